"""Train: pick settings, start, watch live charts, then see how the model did."""

import tempfile
from pathlib import Path

import streamlit as st

from app_pages import charts
from app_pages.common import (
    YOURS,
    ActiveModel,
    data_or_stop,
    enlarge,
    get_queue,
    session_alive,
)
from mnist_core.errors import MnistError
from mnist_core.jobs import JobState, TrainingJob
from mnist_core.model_card import ModelCard
from mnist_core.models import ARCHITECTURES
from mnist_core.training import LIMITS, OPTIMIZERS, PRESETS, TrainConfig

BATCH_SIZES = [16, 32, 64, 128, 256, 512, 1024]
RATES = [1e-4, 3e-4, 1e-3, 2e-3, 4e-3, 1e-2, 3e-2]
SIZES = [1000, 2000, 5000, 10000, 20000, 30000, 60000]


def apply_preset(name: str) -> None:
    p = PRESETS[name]
    st.session_state.update(
        tr_arch=p.arch,
        tr_epochs=p.epochs,
        tr_batch=p.batch_size,
        tr_lr=p.learning_rate,
        tr_opt=p.optimizer,
        tr_onecycle=p.schedule == "onecycle",
        tr_aug=p.augment,
        tr_size=p.train_size or 60000,
    )


def settings(disabled: bool) -> TrainConfig:
    if "tr_arch" not in st.session_state:
        apply_preset("fast")  # the page's default: quickest to a good model
    b1, b2, _ = st.columns([1, 1, 3])
    b1.button("Fast settings", on_click=apply_preset, args=("fast",), disabled=disabled)
    b2.button(
        "Tutorial settings", on_click=apply_preset, args=("recipe",), disabled=disabled
    )
    c1, c2, c3 = st.columns(3)
    arch = c1.radio(
        "Architecture",
        list(ARCHITECTURES),
        key="tr_arch",
        format_func=lambda a: ARCHITECTURES[a].title,
        disabled=disabled,
    )
    c1.caption(ARCHITECTURES[arch].description)
    epochs = c2.slider(
        "Epochs (passes over the data)",
        *LIMITS.epochs,
        key="tr_epochs",
        disabled=disabled,
    )
    batch = c2.select_slider(
        "Batch size", BATCH_SIZES, key="tr_batch", disabled=disabled
    )
    size = c2.select_slider("Training images", SIZES, key="tr_size", disabled=disabled)
    rate = c3.select_slider("Learning rate", RATES, key="tr_lr", disabled=disabled)
    optimizer = c3.selectbox("Optimizer", OPTIMIZERS, key="tr_opt", disabled=disabled)
    onecycle = c3.toggle(
        "Warm-up + cosine schedule", key="tr_onecycle", disabled=disabled
    )
    augment = c3.toggle(
        "Augmentation (random tilt, size, shift, thickness)",
        key="tr_aug",
        disabled=disabled,
    )
    return TrainConfig(
        arch=arch,
        epochs=epochs,
        batch_size=batch,
        learning_rate=rate,
        optimizer=optimizer,
        augment=augment,
        schedule="onecycle" if onecycle else "constant",
        train_size=None if size >= 60000 else size,
    )


def progress(snapshot) -> None:
    if snapshot.state == JobState.QUEUED:
        st.info(
            f"Another training is using the server. You are number "
            f"{snapshot.position} in line; yours starts by itself."
        )
        return
    event = snapshot.latest
    if event is None:
        st.progress(0.0, text="Starting…")
        return
    st.progress(
        event.progress,
        text=(
            f"Epoch {event.epoch}/{event.epochs} · "
            f"batch {event.batch}/{event.batches} · {event.elapsed:.0f} s elapsed · "
            f"about {event.eta:.0f} s left"
        ),
    )


def curves(snapshot) -> None:
    if snapshot.points:
        st.markdown("**Every batch** (smoothed)")
        st.altair_chart(charts.batch_curves(snapshot.points))
    if snapshot.epochs:
        st.markdown(
            "**After each epoch**: the test curve shows digits it never trains on"
        )
        st.altair_chart(charts.epoch_curves(snapshot.epochs))


@st.fragment(run_every=1.0)
def live(job: TrainingJob) -> None:
    snapshot = job.snapshot()
    progress(snapshot)
    curves(snapshot)
    if job.finished:
        st.rerun()  # the whole page, to show the results


def adopt(job: TrainingJob) -> None:
    """Make the finished model "your model" for Draw and Model (once per job)."""
    if st.session_state.get("adopted") is job:
        return
    from mnist_core.evaluation import evaluate_test_set
    from mnist_core.inference import Classifier
    from mnist_core.storage import save_model

    result, classifier = job.result, Classifier(job.result.model)
    st.session_state.your_model = ActiveModel(
        YOURS, result.model, classifier, ModelCard.from_metadata(result.metadata())
    )
    st.session_state.report = evaluate_test_set(classifier.probabilities, data)
    with tempfile.TemporaryDirectory() as folder:  # never where it could be served
        path = save_model(
            result.model, Path(folder) / "mnist_model.keras", result.metadata()
        )
        st.session_state.model_bytes = path.read_bytes()
    st.session_state.adopted = job


def results(job: TrainingJob) -> None:
    snapshot = job.snapshot()
    if job.state == JobState.FAILED:
        st.error(f"Training failed: {snapshot.error}")
        return
    if job.state == JobState.CANCELLED:
        st.info("You left the queue before your training started.")
        return
    adopt(job)
    result, report = job.result, st.session_state.report
    if result.stopped:
        st.warning(
            f"Stopped early after {len(result.history)} full epoch(s); "
            "the model keeps what it learned so far."
        )
    m1, m2, m3 = st.columns(3)
    m1.metric("Test accuracy", f"{result.test_accuracy:.2%}")
    m2.metric("Test loss", f"{result.test_loss:.4f}")
    m3.metric("Training time", f"{result.train_seconds:.0f} s")
    curves(snapshot)
    left, right = st.columns(2)
    left.markdown("**Confusion matrix**: rows are the true digit")
    left.altair_chart(charts.confusion(report.confusion))
    right.markdown("**Accuracy per digit**")
    right.altair_chart(charts.per_class(report.per_class_accuracy), width="stretch")
    wrong = report.mistakes(30)
    st.markdown(
        f"**Mistakes**: {report.error_count} of {len(report.labels):,} test digits; "
        "the most confident mistakes first"
    )
    st.image(
        [enlarge(data.x_test[i] / 255.0, 56) for i in wrong],
        width=56,
        caption=[f"{report.labels[i]} → {report.predictions[i]}" for i in wrong],
    )
    st.download_button(
        "Download your model (.keras)",
        st.session_state.model_bytes,
        file_name="mnist_model.keras",
        mime="application/octet-stream",
    )
    st.caption("It is now **your model** on the Draw and Model pages.")


st.title("Train")
data = data_or_stop()
job = st.session_state.get("job")
busy = job is not None and not job.finished
config = settings(disabled=busy)
start, stop, _ = st.columns([1, 1, 4])
if start.button("Start", type="primary", disabled=busy):
    try:
        config.validate()
    except MnistError as exc:
        st.error(str(exc))
        st.stop()
    job = TrainingJob(config, owner_alive=session_alive())
    st.session_state.job = get_queue().submit(job, data)
    st.rerun()
if stop.button("Stop", disabled=not busy):
    job.request_stop()
if job is not None:
    live(job) if not job.finished else results(job)
