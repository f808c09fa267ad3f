"""Train: pick settings, start, watch live charts, then see how the model did."""

import streamlit as st

from app_pages.common import data_or_stop, get_queue, session_alive
from app_pages.training_view import live, results
from mnist_core.codegen import training_script
from mnist_core.errors import MnistError
from mnist_core.jobs import TrainingJob
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
with st.expander("The code for this run: a Python script you can run at home"):
    try:
        script = training_script(config)
    except MnistError as exc:
        st.error(str(exc))
    else:
        st.download_button(
            "Download train_mnist.py",
            script,
            file_name="train_mnist.py",
            mime="text/x-python",
        )
        st.code(script, language="python")
if job is not None:
    live(job) if not job.finished else results(job, data)
