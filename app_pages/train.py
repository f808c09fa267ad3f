"""Train: pick settings, start, watch live charts, then see how the model did."""

from dataclasses import replace

import streamlit as st

from app_ui.choices import choice, keep
from app_ui.common import (
    RESTART_KEY,
    client_address,
    data_or_stop,
    get_queue,
    link_token,
    model_left_behind,
    session_alive,
    session_id,
    training_limit,
)
from app_ui.i18n import (
    architecture_title,
    errors_shown,
    estimate_words,
    mark,
    plain_number,
    say,
    t,
)
from app_ui.kept import (
    class_membership,
    identity,
    job_keeper,
    keep_settings,
    track_job,
)
from app_ui.navigation import heading
from app_ui.training_view import compare_runs, live, results
from mnist_core.errors import Message, Words
from mnist_core.models.catalog import ARCHITECTURES
from mnist_core.serving.jobs import CLASS_POOL, VISITORS, TrainingJob
from mnist_core.serving.limits import MIN_TIMED_SECONDS, cap_training, within_lesson
from mnist_core.serving.links import config_from_query, config_to_query
from mnist_core.training.config import PRESETS, SETTINGS, TrainConfig
from mnist_core.training.script_export import training_script

WIDGETS = {name: s for name, s in SETTINGS.items() if s.widget}
PRESET_BUTTONS = {
    "fast": mark("A first try: {epochs} passes, {time}"),
    "recipe": mark("Tutorial settings: {epochs} passes, {time}"),
}


def nearest(options: tuple, value, label: str, notes: list[Message]):
    """The option closest to `value`; a note if it is not exactly one of them."""
    best = min(options, key=lambda o: abs(o - value))
    if best != value:
        notes.append(
            Message(
                "{name} {value} is not on the slider: using {best}.",
                dict(name=Words(label), value=value, best=best),
            )
        )
    return best


def widget_value(name: str, config: TrainConfig, notes: list[Message]):
    """What the widget of setting `name` shows for `config`."""
    setting, value = SETTINGS[name], getattr(config, name)
    if setting.toggles:
        return value == setting.toggles[1]
    if setting.stops:
        return nearest(setting.stops, value, setting.label, notes)
    return value


def config_value(name: str, shown):
    """The TrainConfig value of setting `name` whose widget shows `shown`."""
    setting = SETTINGS[name]
    return setting.toggles[shown] if setting.toggles else shown


# Widgets whose value Streamlit keeps as its label, which changes with the
# language: their choice is kept by value instead (app_ui/choices.py).
LABELLED = ("radio", "select_slider")


def apply_config(config: TrainConfig, notes: list[Message] | None = None) -> None:
    """Put a configuration into the widgets (their keys in session state)."""
    notes = [] if notes is None else notes
    for name, setting in WIDGETS.items():
        value = widget_value(name, config, notes)
        if setting.widget in LABELLED:
            keep(f"tr_{setting.link}", value)
        else:
            st.session_state[f"tr_{setting.link}"] = value
    st.session_state.update(tr_base=config, tr_notes=notes)


def apply_preset(name: str) -> None:
    apply_config(PRESETS[name])


def first_settings() -> None:
    """What the link's query parameters ask for, over the settings last shown
    in this session (Streamlit drops widget values while another page is
    open), or over the fast preset on a first visit."""
    base = st.session_state.get("tr_last", PRESETS["fast"])
    config, notes = config_from_query(st.query_params.to_dict(), base)
    apply_config(config, notes)


def lesson_maxima() -> dict[str, int]:
    """The most the teacher of this person's class allows, by setting name."""
    membership = class_membership()
    if membership is None:
        return {}
    room = membership.room
    limits = {"epochs": room.max_epochs, "train_size": room.max_images}
    return {name: most for name, most in limits.items() if most}


def within(setting, most: int | None):
    """A setting whose slider goes no further than `most` (None: as it is)."""
    if most is None:
        return setting
    if setting.stops:
        return replace(setting, stops=tuple(v for v in setting.stops if v <= most))
    return replace(setting, bounds=(setting.bounds[0], min(setting.bounds[1], most)))


def keep_within(name: str, setting) -> None:
    """Lower what the widget of `name` shows to what `setting` still offers."""
    if not setting.stops and not setting.bounds:
        return  # a choice or a switch: nothing to lower
    key = f"tr_{setting.link}"
    value = st.session_state.get(key)
    highest = setting.stops[-1] if setting.stops else setting.bounds[1]
    if isinstance(value, int | float) and value > highest:
        st.session_state[key] = highest


def draw_widget(column, name: str, disabled: bool, most: int | None = None):
    """The widget of one setting, drawn from its Setting; returns what it shows."""
    setting = within(SETTINGS[name], most)
    keep_within(name, setting)
    common = dict(key=f"tr_{setting.link}", disabled=disabled, help=t(setting.help))
    label = t(setting.label)
    if setting.widget == "radio":  # translated labels: a kept choice
        return choice(
            column.radio,
            label,
            setting.choices,
            format_func=architecture_title,
            **common,
        )
    if setting.widget == "selectbox":
        return column.selectbox(label, setting.choices, **common)
    if setting.widget == "slider":
        return column.slider(label, *setting.bounds, **common)
    if setting.widget == "select_slider":  # numbers written per language
        return choice(
            column.select_slider,
            label,
            setting.stops,
            format_func=plain_number,
            **common,
        )
    return column.toggle(label, **common)


# A widget's key: Streamlit drops it after a run of another page, and then the
# settings are put back from the link and the session's last ones.
SHOWN = f"tr_{SETTINGS['epochs'].link}"


def draw_settings(disabled: bool) -> TrainConfig:
    if SHOWN not in st.session_state:
        first_settings()
    for note in st.session_state.get("tr_notes", []):
        st.info(t("From the link: {note}", note=say(note)))
    pace = get_queue().pace
    for column, (name, label) in zip(
        st.columns(2), PRESET_BUTTONS.items(), strict=True
    ):
        preset = PRESETS[name]
        column.button(
            t(label, epochs=preset.epochs, time=estimate_words(*pace.estimate(preset))),
            on_click=apply_preset,
            args=(name,),
            disabled=disabled,
            key=f"preset_{name}",
        )
    columns = st.columns(3)
    values, maxima = {}, lesson_maxima()
    if maxima:
        membership = class_membership()
        st.caption(
            t(
                "Your class's lesson allows at most {epochs} epoch(s) and {images:,} "
                "training images.",
                epochs=membership.room.max_epochs or SETTINGS["epochs"].bounds[1],
                images=membership.room.max_images or SETTINGS["train_size"].bounds[1],
            )
        )
    for name, setting in WIDGETS.items():
        shown = draw_widget(columns[setting.column], name, disabled, maxima.get(name))
        values[name] = config_value(name, shown)
    columns[0].caption(t(ARCHITECTURES[values["arch"]].description))
    # Settings without a widget (the seed) keep what the link or preset said.
    return replace(st.session_state.get("tr_base", PRESETS["fast"]), **values)


def time_to_train(config: TrainConfig) -> str:
    """How long `config` should take here, as this server measured it."""
    pace = get_queue().pace
    estimate = pace.estimate(config)
    time = estimate_words(estimate.seconds, estimate.margin)
    if pace.timed():
        return t(
            "Training with these settings should take {time} on this server (timed "
            "on its last trainings), plus a test after each pass. The time left is "
            "shown once it starts.",
            time=time,
        )
    return t(
        "Training with these settings should take {time}: this server has not yet "
        "timed a training of {seconds:.0f} s or more (shorter ones are mostly "
        "start-up), and a busy one is slower. The time left is shown once it starts.",
        time=time,
        seconds=MIN_TIMED_SECONDS,
    )


def lesson_limits(config: TrainConfig) -> tuple[TrainConfig, Message | None]:
    """`config` within the limits the teacher of this person's class set."""
    membership = class_membership()
    if membership is None:
        return config, None
    room = membership.room
    return within_lesson(config, room.max_epochs, room.max_images)


def new_job(config: TrainConfig) -> TrainingJob:
    """A training for this browser's person (kept when it ends, and waiting a
    little for them across a reload), or for this session when nothing can
    be kept."""
    keep_settings(config_to_query(config))  # makes this browser's person if need be
    known = identity()
    if known is None:
        return TrainingJob(
            config, session_alive(), owner=session_id(), client=client_address()
        )
    # A class behind one school address is not one visitor: its pupils count
    # one each (the owner), not per address, in the class places of the line.
    # The training stops when the page that asked for it goes (the kept model
    # is what a reload gets back).
    in_class = class_membership() is not None
    return TrainingJob(
        config,
        session_alive(),
        owner=f"person-{known.person}",
        client="" if in_class else client_address(),
        pool=CLASS_POOL if in_class else VISITORS,
        on_finish=job_keeper(),
    )


LEFT_BEHIND = t(
    "The training made from this link is not in this page: it stays in the page "
    "that ran it, if that is still open, and a server restart loses it. Press "
    "Start to train here."
)

st.title(t(heading(__file__)))
data = data_or_stop()
job = st.session_state.get("job")
busy = job is not None and not job.finished
config = draw_settings(disabled=busy)
st.session_state.tr_last = config  # a plain key: kept while other pages are open
if model_left_behind():
    st.info(LEFT_BEHIND)
link = config_to_query(config)  # the address bar shares the settings
if job is not None:
    link[RESTART_KEY] = link_token()
st.query_params.from_dict(link)
start, stop, eta = st.columns([1, 1, 4])
if not busy:
    eta.caption(time_to_train(config))
if start.button(t("Start"), type="primary", disabled=busy, key="tr_start"):
    with errors_shown(stop=True):
        config, lesson = lesson_limits(config)
        config, cap = cap_training(config, training_limit())
        st.session_state.tr_cap = cap or lesson
        st.session_state.job = get_queue().submit(new_job(config.validate()), data)
        track_job(st.session_state.job)  # a reload finds it
    st.rerun()
if stop.button(t("Stop"), disabled=not busy, key="tr_stop"):
    job.request_stop()
with st.expander(t("The code for this run: a Python script you can run at home")):
    script = None
    with errors_shown():
        script = training_script(config, translate=t)  # comments in their language
    if script:
        st.download_button(
            t("Download train_mnist.py"),
            script,
            file_name="train_mnist.py",
            mime="text/x-python",
        )
        st.code(script, language="python")
if job is not None and st.session_state.get("tr_cap"):
    st.info(say(st.session_state.tr_cap))
if job is not None:
    if job.finished:
        results(job, data)
    else:
        live(job)
compare_runs()
