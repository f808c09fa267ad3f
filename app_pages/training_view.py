"""How a training looks while it runs and after: progress, curves, results."""

import tempfile
from pathlib import Path

import streamlit as st

from app_pages import charts
from app_pages.common import YOURS, ActiveModel, enlarge
from mnist_core.data import MnistData
from mnist_core.jobs import JobState, TrainingJob
from mnist_core.model_card import ModelCard

MAX_RUNS = 10


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


def adopt(job: TrainingJob, data: MnistData) -> None:
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
    runs = st.session_state.setdefault("runs", [])
    runs.append(
        {
            "run": len(runs) + 1,
            **result.summary(),
            "history": [(e.epoch, e.val_accuracy) for e in result.history],
        }
    )
    del runs[:-MAX_RUNS]  # a session keeps its last few runs, not all of them
    st.session_state.adopted = job


def compare_runs() -> None:
    """This session's runs side by side: settings, results, test-accuracy curves."""
    runs = st.session_state.get("runs", [])
    if len(runs) < 2:
        return
    st.subheader("Your runs, side by side")
    table = [{k: v for k, v in run.items() if k != "history"} for run in runs]
    st.dataframe(table, hide_index=True)
    curves = [
        (f"run {run['run']}", epoch, accuracy)
        for run in runs
        for epoch, accuracy in run["history"]
    ]
    st.altair_chart(charts.run_curves(curves), width="stretch")


def results(job: TrainingJob, data: MnistData) -> None:
    snapshot = job.snapshot()
    if job.state == JobState.FAILED:
        st.error(f"Training failed: {snapshot.error}")
        return
    if job.state == JobState.CANCELLED:
        st.info("You left the queue before your training started.")
        return
    adopt(job, data)
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
