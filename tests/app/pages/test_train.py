"""The Train page: presets, links, limits, trainings and what they show."""

import re
import sys
from contextlib import contextmanager

import pytest

from mnist_core.models.catalog import ARCHITECTURES
from mnist_core.serving.jobs import JobState
from mnist_core.serving.links import config_from_query
from mnist_core.training.config import PRESETS, TrainConfig
from tests.support.app import run_tiny_training, texts
from tests.support.configs import TINY_UI

# Renders take a fraction of a second once TensorFlow is loaded; the tests that
# train are `slow` (and any test using the `trained` fixture, see tests/conftest.py).


def test_train_page_defaults_to_the_fast_preset(page):
    at = page("train")
    assert not at.exception
    # What Start would train, as the page writes it into the address bar: every
    # preset value must be on its widget, or Start would train something else.
    params = {key: at.query_params[key] for key in at.query_params}
    shown, notes = config_from_query(params, TrainConfig())
    assert shown == PRESETS["fast"] and notes == []
    assert at.toggle(key="tr_avg").value is True
    assert at.session_state["tr_notes"] == []
    at.button(key="preset_recipe").click().run()
    assert at.radio(key="tr_arch@en").value == "recipe"
    assert at.slider(key="tr_epochs").value == 10


def test_train_settings_survive_a_visit_to_another_page(page):
    # Streamlit forgets a widget's value once a run does not draw it: without
    # care, the sliders came back on the fast preset, not on what was trained.
    at = page("train")
    at.slider(key="tr_epochs").set_value(7).run()
    at.toggle(key="tr_avg").set_value(False).run()
    at.switch_page("app_pages/draw.py").run()
    at.query_params.clear()  # the sidebar's links carry no settings
    at.switch_page("app_pages/train.py").run()
    assert not at.exception
    assert at.slider(key="tr_epochs").value == 7
    assert at.toggle(key="tr_avg").value is False
    assert at.query_params["epochs"] == "7"


@pytest.mark.slow
def test_tiny_training_through_the_ui_produces_metrics(page):
    at = run_tiny_training(page("train", **TINY_UI))
    assert at.session_state["job"].state == JobState.DONE
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Test accuracy"].rstrip("%")) > 70
    assert "your_model" in at.session_state
    assert any("Confusion matrix" in str(m.value) for m in at.markdown)


def test_train_page_exports_the_code_for_the_current_settings(page):
    at = page("train")
    code = at.code[0].value
    assert "model = keras.Model(inputs, outputs)" in code
    assert "epochs=3" in code and "batch_size=256" in code  # the fast defaults
    at.slider(key="tr_epochs").set_value(5).run()
    assert "epochs=5" in at.code[0].value


def test_train_settings_come_from_the_link_clamped_with_a_note(page):
    link = dict(epochs="99", arch="recipe", batch="100", aug="on")
    at = page("train", query=link)
    assert not at.exception
    assert at.radio(key="tr_arch@en").value == "recipe"
    assert at.slider(key="tr_epochs").value == 30
    assert at.select_slider(key="tr_batch@en").value == 128
    notes = " ".join(i.value for i in at.info)
    assert "Epochs (passes over the data) 99 is outside 1–30: using 30." in notes
    assert "Batch size 100 is not on the slider: using 128." in notes
    assert at.query_params["epochs"] == "30"  # the link now says what runs


@pytest.mark.slow
def test_two_runs_are_compared_side_by_side(page):
    at = page("train", **TINY_UI)
    run_tiny_training(at)
    assert not any(h.value == "Your runs, side by side" for h in at.subheader)
    at.slider(key="tr_epochs").set_value(2).run()
    run_tiny_training(at)
    assert not at.exception
    assert any(h.value == "Your runs, side by side" for h in at.subheader)
    table = at.table[-1].value
    assert list(table.index) == [1, 2] and list(table["epochs"]) == ["1", "2"]
    # As a person reads them: the network's name, counts with separators.
    assert set(table["architecture"]) <= {a.title for a in ARCHITECTURES.values()}
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", n) for n in table["images"])
    assert all(re.fullmatch(r"\d+\.\d\d%", a) for a in table["test accuracy"])
    assert set(table["augment"]) == {"no"}
    assert set(table["schedule"]) == {"yes"}  # as its toggle reads, not "onecycle"
    # Each run's curve ends at the accuracy of the model it delivered.
    runs = at.session_state["runs"]
    for run in runs:
        assert run["history"][-1][1] == pytest.approx(run["test accuracy"], abs=1e-4)
    assert not any(m.value == "None" for m in at.markdown)  # no stray magic output


@pytest.mark.slow
def test_a_training_over_the_servers_cap_is_cut_down_and_says_so(page, monkeypatch):
    monkeypatch.setenv("MNIST_MAX_TRAINING_WORK", "100")  # under TINY_UI's work
    at = run_tiny_training(page("train", **TINY_UI))
    assert not at.exception
    assert at.session_state["job"].config.train_size < 1000
    notes = " ".join(i.value for i in at.info)
    assert "limits how long one training may take" in notes


@pytest.mark.slow
def test_operators_set_the_limits_in_streamlits_secrets(page):
    from app_ui.common import get_queue

    get_queue.clear()  # the queue is made once per server
    try:
        at = page("train")
        at.secrets["MNIST_MAX_TRAININGS"] = "3"
        at.secrets["MNIST_MAX_TRAINING_WORK"] = "100"
        get_queue.clear()  # the first run made one before the secrets were set
        at = run_tiny_training(at.run())
        assert at.session_state["job"].queue.max_running == 3
        assert at.session_state["job"].config.train_size < 1000  # capped at 100
    finally:
        get_queue.clear()


@contextmanager
def train_page_with(page, **secrets):
    """The Train page run with these operator settings in st.secrets; the
    server's queue is made anew from them, and again after the test."""
    from app_ui.common import get_queue

    get_queue.clear()
    try:
        at = page("train")
        for name, value in secrets.items():
            at.secrets[name] = value
        get_queue.clear()
        yield at.run()
    finally:
        get_queue.clear()


def test_start_says_plainly_when_the_training_cluster_is_unreachable(page):
    from app_ui.common import get_queue
    from mnist_core.serving.cluster import ClusterTrainings
    from tests.support.servers import free_port

    address = f"ray://127.0.0.1:{free_port()}"
    with train_page_with(page, MNIST_RAY_ADDRESS=address) as at:
        assert isinstance(get_queue(), ClusterTrainings)
        at.button(key="tr_start").click().run()
        assert not at.exception
        assert "job" not in at.session_state
        assert any("cannot be reached right now" in e.value for e in at.error)
        shown = texts(at) + "".join(e.value for e in at.error)
        assert "ray://" not in shown  # the operator's address is not shown


def test_start_says_plainly_when_a_cluster_is_named_but_ray_is_missing(
    page, monkeypatch
):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` fails as if absent
    with train_page_with(page, MNIST_RAY_ADDRESS="ray://127.0.0.1:10001") as at:
        at.button(key="tr_start").click().run()
        assert not at.exception
        assert any("cannot be reached right now" in e.value for e in at.error)


def test_start_says_plainly_when_the_training_line_is_full(page):
    import threading

    from app_ui.common import get_queue
    from mnist_core.serving.jobs import TrainingJob
    from tests.support.fakes import fake_training

    gate = threading.Event()
    with train_page_with(page, MNIST_MAX_QUEUE="1") as at:
        try:
            someone = TrainingJob(TrainConfig(), owner="someone-else")
            get_queue().submit(someone, None, fake_training(gate=gate))
            at.button(key="tr_start").click().run()
            assert not at.exception
            assert "job" not in at.session_state
            assert any("The training line is full" in e.value for e in at.error)
        finally:
            gate.set()


@pytest.mark.slow
def test_a_stopped_training_says_exactly_where_it_stopped(page, trained):
    from dataclasses import replace

    from mnist_core.serving.jobs import JobState, TrainingJob
    from mnist_core.training.events import BatchEvent

    job = TrainingJob(trained.config, state=JobState.STOPPED)
    job.result = replace(trained, stopped=True)
    job.listen(BatchEvent(1, 3, 84, 235, 0.5, 0.8, 10.0, 20.0))
    at = page("train", job=job)
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "Stopped after 84 of 235 batches of epoch 1 (of 3)" in warnings


def test_a_reloaded_page_says_its_training_is_gone(page):
    from app_ui.common import _link_secret
    from mnist_core.serving.link_tokens import make_token

    at = page("train", query={"since": make_token(_link_secret())})
    assert not at.exception
    assert any("is not in this page" in i.value for i in at.info)


@pytest.mark.parametrize("made_up", ["anything", "0123456789abcdef.0", "x.y"])
def test_a_made_up_token_in_the_link_claims_no_lost_training(page, made_up):
    at = page("train", query={"since": made_up})
    assert not at.exception
    assert not any("not in this page" in i.value for i in [*at.info, *at.warning])


def test_the_train_page_says_how_long_a_run_will_take(page):
    at = page("train")
    labels = [b.label for b in at.button]
    # One figure, and its margin when it is worth saying (issue #36: it said
    # "between 6 minutes and 31 minutes").
    time = r"about \d+ (seconds|minutes)(, give or take \d+)?$"
    assert any(re.match(rf"Tutorial settings: 10 passes, {time}", x) for x in labels)
    captions = " ".join(c.value for c in at.caption)
    assert re.search(r"should take about \d+ (seconds|minutes)", captions)
    assert "between" not in captions


@pytest.mark.parametrize(
    ("eta", "expected"),
    [
        (None, "estimating the time left…"),
        (42.0, "about 40 seconds left"),
        (0.4, "almost done"),  # not "about 5 seconds left" at the last batch
    ],
)
def test_the_time_left_is_the_runs_own_estimate(page, eta, expected):
    from mnist_core.serving.jobs import TrainingJob
    from mnist_core.training.events import BatchEvent

    job = TrainingJob(PRESETS["fast"], state=JobState.RUNNING)
    job.listen(BatchEvent(1, 3, 2, 235, 0.5, 0.8, 6.0, eta))
    at = page("train", job=job)
    assert not at.exception
    bars = [str(p.proto.text) for p in at.get("progress")]
    assert any(expected in text for text in bars), bars


def test_an_untimed_server_gives_the_preset_a_figure_and_its_margin(page):
    at = page("train")
    assert not at.exception
    fast = next(b for b in at.button if b.key == "preset_fast")
    assert re.search(r"about \d+ (seconds|minutes), give or take \d+$", fast.label)
    # Said so even after short trainings: those are not timed (mostly start-up).
    assert any(
        "has not yet timed a training of 10 s or more" in c.value for c in at.caption
    )


def test_select_sliders_write_their_numbers_in_spanish(page):
    at = page("train", locale="es-ES")
    assert not at.exception
    shown = {o for s in at.select_slider for o in s.options}
    assert {"0,008", "20.000", "60.000", "1.024"} <= shown, shown
