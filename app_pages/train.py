"""Train: pick settings, start, watch live charts, then see how the model did."""

import streamlit as st

from app_pages.common import data_or_stop, get_queue, session_alive
from app_pages.i18n import mark, say, t
from app_pages.training_view import compare_runs, live, results
from mnist_core.codegen import training_script
from mnist_core.errors import Message, MnistError
from mnist_core.jobs import TrainingJob
from mnist_core.models import ARCHITECTURES
from mnist_core.query import config_from_query, config_to_query
from mnist_core.training import LIMITS, OPTIMIZERS, PRESETS, TrainConfig


def _with_presets(options: set, field: str) -> list:
    """Slider stops plus every preset's value, or a preset would be replaced
    by its nearest stop and Start would train something else."""
    return sorted(options | {getattr(preset, field) for preset in PRESETS.values()})


BATCH_SIZES = _with_presets({16, 32, 64, 128, 256, 512, 1024}, "batch_size")
RATES = _with_presets({1e-4, 3e-4, 1e-3, 2e-3, 4e-3, 1e-2, 3e-2}, "learning_rate")
SIZES = [1000, 2000, 5000, 10000, 20000, 30000, 60000]


def nearest(options: list, value, label: str, notes: list[Message]):
    """The option closest to `value`; a note if it is not exactly one of them."""
    best = min(options, key=lambda o: abs(o - value))
    if best != value:
        notes.append(
            Message(
                "{name} {value} is not on the slider: using {best}.",
                dict(name=label, value=value, best=best),  # say() translates label
            )
        )
    return best


def apply_config(config: TrainConfig, notes: list[Message] | None = None) -> None:
    """Put a configuration into the widgets (their keys in session state)."""
    notes = [] if notes is None else notes
    st.session_state.update(
        tr_arch=config.arch,
        tr_epochs=config.epochs,
        tr_batch=nearest(BATCH_SIZES, config.batch_size, mark("batch"), notes),
        tr_lr=nearest(RATES, config.learning_rate, mark("learning rate"), notes),
        tr_opt=config.optimizer,
        tr_onecycle=config.schedule == "onecycle",
        tr_aug=config.augment,
        tr_avg=config.average_weights,
        tr_size=nearest(
            SIZES, config.train_size or 60000, mark("training images"), notes
        ),
        tr_notes=notes,
    )


def apply_preset(name: str) -> None:
    apply_config(PRESETS[name])


def first_settings() -> None:
    """What the link's query parameters ask for, over the settings last shown
    in this session (Streamlit drops widget values while another page is
    open), or over the fast preset on a first visit."""
    base = st.session_state.get("tr_last", PRESETS["fast"])
    config, notes = config_from_query(st.query_params.to_dict(), base)
    apply_config(config, notes)


def settings(disabled: bool) -> TrainConfig:
    if "tr_arch" not in st.session_state:
        first_settings()
    for note in st.session_state.get("tr_notes", []):
        st.info(t("From the link: {note}", note=say(note)))
    b1, b2, _ = st.columns([1, 1, 3])
    b1.button(
        t("Fast settings"), on_click=apply_preset, args=("fast",), disabled=disabled
    )
    b2.button(
        t("Tutorial settings"),
        on_click=apply_preset,
        args=("recipe",),
        disabled=disabled,
    )
    c1, c2, c3 = st.columns(3)
    arch = c1.radio(
        t("Architecture"),
        list(ARCHITECTURES),
        key="tr_arch",
        format_func=lambda a: t(ARCHITECTURES[a].title),
        disabled=disabled,
    )
    c1.caption(t(ARCHITECTURES[arch].description))
    epochs = c2.slider(
        t("Epochs (passes over the data)"),
        *LIMITS.epochs,
        key="tr_epochs",
        disabled=disabled,
    )
    batch = c2.select_slider(
        t("Batch size"), BATCH_SIZES, key="tr_batch", disabled=disabled
    )
    size = c2.select_slider(
        t("Training images"), SIZES, key="tr_size", disabled=disabled
    )
    rate = c3.select_slider(t("Learning rate"), RATES, key="tr_lr", disabled=disabled)
    optimizer = c3.selectbox(
        t("Optimizer"), OPTIMIZERS, key="tr_opt", disabled=disabled
    )
    onecycle = c3.toggle(
        t("Warm-up + cosine schedule"), key="tr_onecycle", disabled=disabled
    )
    augment = c3.toggle(
        t("Augmentation (random tilt, size, shift, thickness)"),
        key="tr_aug",
        disabled=disabled,
    )
    average = c3.toggle(
        t("Average the weights"),
        key="tr_avg",
        disabled=disabled,
        help=t(
            "The test and the model you get use the average of the last ~50 "
            "steps' weights. At a high learning rate each step's weights jump "
            "around a good solution; their average sits nearer its middle and "
            "scores higher, most of all early in training."
        ),
    )
    return TrainConfig(
        arch=arch,
        epochs=epochs,
        batch_size=batch,
        learning_rate=rate,
        optimizer=optimizer,
        augment=augment,
        average_weights=average,
        schedule="onecycle" if onecycle else "constant",
        train_size=None if size >= 60000 else size,
    )


st.title(t("Train"))
data = data_or_stop()
job = st.session_state.get("job")
busy = job is not None and not job.finished
config = settings(disabled=busy)
st.session_state.tr_last = config  # a plain key: kept while other pages are open
st.query_params.from_dict(config_to_query(config))  # the address bar shares them
start, stop, _ = st.columns([1, 1, 4])
if start.button(t("Start"), type="primary", disabled=busy):
    try:
        config.validate()
    except MnistError as exc:
        st.error(say(exc))
        st.stop()
    job = TrainingJob(config, owner_alive=session_alive())
    st.session_state.job = get_queue().submit(job, data)
    st.rerun()
if stop.button(t("Stop"), disabled=not busy):
    job.request_stop()
with st.expander(t("The code for this run: a Python script you can run at home")):
    try:
        script = training_script(config)
    except MnistError as exc:
        st.error(say(exc))
    else:
        st.download_button(
            t("Download train_mnist.py"),
            script,
            file_name="train_mnist.py",
            mime="text/x-python",
        )
        st.code(script, language="python")
if job is not None:
    if job.finished:
        results(job, data)
    else:
        live(job)
compare_runs()
