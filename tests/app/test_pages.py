"""Every page renders without exception and shows its widgets (headless AppTest)."""

import re
import time

import pytest

from mnist_core.serving.jobs import JobState
from mnist_core.serving.links import config_from_query
from mnist_core.training.config import PRESETS, TrainConfig

pytestmark = pytest.mark.slow


def seen(markdown: str) -> str:
    """Markdown as a person reads it: escaped punctuation shows as itself."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown))


def texts(at) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.warning]
    return "\n".join(seen(p) for p in parts)


# One epoch on 1,000 digits: seconds, enough to produce every result on the page.
TINY_UI = dict(
    tr_arch="fast",
    tr_epochs=1,
    tr_size=1000,
    tr_batch=64,
    tr_lr=4e-3,
    tr_opt="adam",
    tr_schedule=True,
    tr_aug=False,
)


def run_tiny_training(at):
    at.button(key="tr_start").click().run()
    job = at.session_state["job"]
    deadline = time.monotonic() + 120
    while not job.finished and time.monotonic() < deadline:
        time.sleep(0.5)
    return at.run()


def test_home_explains_and_shows_the_shipped_model(page):
    at = page("home")
    assert not at.exception
    assert at.title[0].value == "MNIST Studio"
    accuracy = next(m for m in at.metric if m.label == "Test accuracy")
    assert accuracy.value.endswith("%") and float(accuracy.value[:-1]) > 99
    assert "convolutional neural network" in texts(at)


def test_dataset_page_has_filters_and_summaries(page):
    at = page("dataset")
    assert not at.exception
    labels = [r.label for r in at.radio]
    assert labels[:1] == ["Split"] and "Method" in labels
    assert at.selectbox(key="ds_digit@en").options[:2] == ["all", "0"]
    at.selectbox(key="ds_digit@en").set_value(7).run()
    assert not at.exception


def test_dataset_switches_to_the_test_split(page):
    at = page("dataset")
    at.radio(key="ds_split@en").set_value("test").run()
    assert not at.exception
    assert any("(10000, 28, 28)" in str(c.value) for c in at.caption)


def test_draw_page_asks_for_a_digit_when_the_canvas_is_empty(page):
    at = page("draw")
    assert not at.exception
    assert any("Draw a digit" in str(i.value) for i in at.info)
    assert at.slider(key="brush").value == 20
    assert [b.label for b in at.button] == ["Clear"]


def test_draw_page_uses_corrections_at_once_and_forgets_them(page):
    import numpy as np

    from mnist_core.training.corrections import Corrections

    corrections = Corrections()
    corrections.add(np.zeros((28, 28), np.float32), 1)
    at = page("draw", corrections=corrections)
    assert not at.exception
    assert "Your corrections are used at once" in texts(at)
    forget = next(b for b in at.button if b.label == "Forget my corrections")
    forget.click().run()
    assert not at.exception and len(at.session_state["corrections"]) == 0
    assert "used at once" not in texts(at)


def test_model_page_shows_layers_and_feature_maps(page):
    at = page("model")
    assert not at.exception
    layers = at.table[0].value
    assert "conv1" in set(layers["layer"]) and parameters(layers) > 100_000
    assert any(m.label == "Parameters" for m in at.metric)
    assert any("conv2" in str(m.value) for m in at.markdown)
    # Without a drawing there is nothing to choose: the test digit, no radio.
    assert not [r for r in at.radio if r.label == "Show"]


def parameters(layers) -> int:
    """The Layers table's parameter column, written "616,962", summed."""
    return layers["parameters"].str.replace(",", "").astype(int).sum()


def test_model_page_writes_its_numbers_in_plain_words(page):
    at = page("model", locale="es-ES")
    assert not at.exception
    layers = at.table[0].value
    assert layers["parámetros"].str.fullmatch(r"\d{1,3}(\.\d{3})*").all()
    assert "10.368" in set(layers["parámetros"])  # the fast CNN's second conv
    work = next(m for m in at.metric if m.label == "Multiplicaciones por dígito")
    assert work.value == "unos 3,1 millones"
    assert "MFLOP" not in work.value


def test_model_page_draws_its_diagram_in_spanish(page):
    at = page("model", locale="es-ES")
    assert not at.exception
    dot = at.get("graphviz_chart")[0].proto.spec
    assert "Conv2D: 24 filtros de 5×5" in dot and "normaliza" in dot
    assert "Dropout: apaga un 30 %" in dot and "256 unidades, lineal" in dot
    assert "filters" not in dot and "units" not in dot
    names = at.radio(key="diagram_arch@es").options
    assert names[1:] == ["CNN del tutorial (receta)", "CNN rápida", "CNN pequeña"]


def test_model_page_offers_the_drawing_once_there_is_one(page):
    import numpy as np

    at = page("model", drawing_pixels=np.zeros((28, 28), np.float32))
    assert not at.exception
    show = next(r for r in at.radio if r.label == "Show")
    assert show.options == ["a test digit", "my drawing"]
    show.set_value("drawing").run()
    assert not at.exception


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


def test_prepare_page_walks_through_the_tutorials_steps(page):
    at = page("prepare")
    assert not at.exception
    shapes = at.dataframe[0].value
    assert shapes.set_index("array").loc["x_train", "shape"] == "(60000, 28, 28)"
    assert any("[5, 0, 4, 1, 9, 2, 1, 3, 1, 4]" in m.value for m in at.markdown)
    one_hot = at.dataframe[1].value
    assert one_hot.values.tolist() == [[0, 0, 0, 0, 0, 1, 0, 0, 0, 0]]  # label 5
    at.number_input(key="prep_index").set_value(1).run()
    assert at.dataframe[1].value.values.tolist()[0][0] == 1  # digit 1 is a 0


def test_model_page_draws_every_architecture(page):
    at = page("model")
    assert at.radio(key="diagram_arch@en").options == [
        "the model in use",
        "Tutorial CNN (recipe)",
        "Fast CNN",
        "Small CNN",
    ]
    for arch in ("recipe", "small"):
        at.radio(key="diagram_arch@en").set_value(arch).run()
        assert not at.exception
    # Every number above the learned part describes the network shown: the
    # tutorial's (1,199,882 parameters), not the Fast CNN in use.
    at.radio(key="diagram_arch@en").set_value("recipe").run()
    params = next(m for m in at.metric if m.label == "Parameters")
    assert params.value == "1,199,882"
    table = at.table[0].value
    assert parameters(table) == 1_199_882
    assert table["what it does"].str.len().gt(0).sum() >= 7


def test_train_settings_come_from_the_link_clamped_with_a_note(page):
    link = dict(epochs="99", arch="recipe", batch="100", aug="on")
    at = page("train", query=link)
    assert not at.exception
    assert at.radio(key="tr_arch@en").value == "recipe"
    assert at.slider(key="tr_epochs").value == 30
    assert at.select_slider(key="tr_batch").value == 128
    notes = " ".join(i.value for i in at.info)
    assert "Epochs (passes over the data) 99 is outside 1–30: using 30." in notes
    assert "Batch size 100 is not on the slider: using 128." in notes
    assert at.query_params["epochs"] == "30"  # the link now says what runs


def test_two_runs_are_compared_side_by_side(page):
    at = page("train", **TINY_UI)
    run_tiny_training(at)
    assert not any(h.value == "Your runs, side by side" for h in at.subheader)
    at.slider(key="tr_epochs").set_value(2).run()
    run_tiny_training(at)
    assert not at.exception
    assert any(h.value == "Your runs, side by side" for h in at.subheader)
    table = at.table[-1].value
    assert list(table.index) == [1, 2] and list(table["epochs"]) == [1, 2]
    assert all(re.fullmatch(r"\d+\.\d\d%", a) for a in table["test accuracy"])
    assert set(table["augment"]) == {"no"}
    # Each run's curve ends at the accuracy of the model it delivered.
    runs = at.session_state["runs"]
    for run in runs:
        assert run["history"][-1][1] == pytest.approx(run["test accuracy"], abs=1e-4)
    assert not any(m.value == "None" for m in at.markdown)  # no stray magic output


def test_dataset_view_comes_from_the_link_and_goes_back_into_it(page):
    at = page("dataset", query=dict(split="test", digit="3", page="999", index="18"))
    assert not at.exception
    assert at.radio(key="ds_split@en").value == "test"
    assert at.selectbox(key="ds_digit@en").value == 3
    # 1,010 threes in the test split at 40 per page: the last page is 26
    assert at.number_input(key="ds_page").value == 26
    # The digit shown pixel by pixel is one of the threes the filter asks for.
    assert at.selectbox(key="ds_index_of_digit").value == 18
    assert any("page 999 is outside 1–26: using 26." in i.value for i in at.info)
    at.selectbox(key="ds_digit@en").set_value(5).run()
    assert at.query_params["digit"] == "5"  # the address bar follows the filters
    # 892 fives make 23 pages: page 26 does not exist for them, the last one is shown
    assert at.number_input(key="ds_page").value == 23
    assert at.query_params["page"] == "23"


def test_a_training_over_the_servers_cap_is_cut_down_and_says_so(page, monkeypatch):
    monkeypatch.setenv("MNIST_MAX_TRAINING_WORK", "100")  # under TINY_UI's work
    at = run_tiny_training(page("train", **TINY_UI))
    assert not at.exception
    assert at.session_state["job"].config.train_size < 1000
    notes = " ".join(i.value for i in at.info)
    assert "limits how long one training may take" in notes


@pytest.mark.parametrize("name", ["train", "model"])
def test_a_link_from_before_a_restart_says_the_model_was_lost(page, name):
    at = page(name, query={"since": "an-older-server-run"})
    assert not at.exception
    assert any("was restarted" in w.value for w in at.warning)
    fresh = page(name)
    assert not any("was restarted" in w.value for w in fresh.warning)


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


def test_start_says_plainly_when_the_training_cluster_is_unreachable(page):
    from app_ui.common import get_queue
    from mnist_core.serving.cluster import ClusterTrainings
    from mnist_core.serving.local_server import free_port

    get_queue.clear()
    try:
        at = page("train")
        at.secrets["MNIST_RAY_ADDRESS"] = f"ray://127.0.0.1:{free_port()}"
        get_queue.clear()
        at = at.run()
        assert isinstance(get_queue(), ClusterTrainings)
        at.button(key="tr_start").click().run()
        assert not at.exception
        assert "job" not in at.session_state
        assert any("cannot be reached right now" in e.value for e in at.error)
        shown = texts(at) + "".join(e.value for e in at.error)
        assert "ray://" not in shown  # the operator's address is not shown
    finally:
        get_queue.clear()


def test_start_says_plainly_when_the_training_line_is_full(page):
    import threading

    from app_ui.common import get_queue
    from mnist_core.serving.jobs import TrainingJob
    from tests.core.serving.test_jobs import fake_training

    gate = threading.Event()
    get_queue.clear()
    try:
        at = page("train")
        at.secrets["MNIST_MAX_QUEUE"] = "1"
        get_queue.clear()
        at = at.run()
        someone = TrainingJob("cfg", owner="someone-else")
        get_queue().submit(someone, None, fake_training(gate=gate))
        at.button(key="tr_start").click().run()
        assert not at.exception
        assert "job" not in at.session_state
        assert any("The training line is full" in e.value for e in at.error)
    finally:
        gate.set()
        get_queue.clear()


def test_a_network_without_convolutions_shows_what_it_can(page):
    import keras

    from app_ui.common import YOURS, ActiveModel
    from mnist_core.models.card import ModelCard
    from mnist_core.reading.classifier import Classifier

    inputs = keras.Input((28, 28, 1))
    hidden = keras.layers.Dense(32, activation="relu")(keras.layers.Flatten()(inputs))
    outputs = keras.layers.Dense(10, activation="softmax")(hidden)
    dense = keras.Model(inputs, outputs, name="dense_only")
    mine = ActiveModel(YOURS, dense, Classifier(dense), ModelCard.of_model(dense, 0.9))
    at = page("model", your_model=mine, model_in_use=YOURS)
    assert not at.exception
    assert "dense_only" not in [e.value for e in at.error]
    assert any("no convolution layer" in i.value for i in at.info)
    assert any(m.label == "Parameters" for m in at.metric)


@pytest.mark.parametrize("name", ["dataset", "prepare", "train"])
def test_without_mnist_the_pages_say_so_plainly(page, name, monkeypatch, tmp_path):
    from app_ui.common import get_data

    missing = tmp_path / "secret-folder" / "mnist.npz"
    monkeypatch.setenv("MNIST_PATH", str(missing))
    get_data.clear()
    try:
        at = page(name)
    finally:
        get_data.clear()
    assert not at.exception
    shown = " ".join(e.value for e in (*at.error, *at.markdown))
    assert "cannot load them right now" in shown and "Draw" in shown
    assert "secret-folder" not in shown and "Errno" not in shown
    assert "MNIST_PATH" in shown  # in the part for whoever runs the app


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
    from app_ui.common import server_run

    at = page("train", query={"since": server_run()})
    assert not at.exception
    assert any("is not running in this page" in i.value for i in at.info)


def test_home_writes_the_date_as_people_do(page):
    from mnist_core.constants import SHIPPED_MODEL_PATH
    from mnist_core.models.card import read_card

    created = read_card(SHIPPED_MODEL_PATH).created[:10]  # 2026-11-27
    year, month, day = (int(part) for part in created.split("-"))
    english, spanish = page("home"), page("home", locale="es-ES")
    captions = " ".join(c.value for c in english.caption)
    assert created not in captions and f"{day} " in captions and str(year) in captions
    assert " de " in " ".join(c.value for c in spanish.caption)


def test_the_dataset_page_names_its_file_but_not_the_servers_folders(page, mnist_path):
    at = page("dataset")
    captions = " ".join(seen(c.value) for c in at.caption)
    assert mnist_path.name in captions and str(mnist_path.parent) not in captions


def test_the_train_page_says_how_long_a_run_will_take(page):
    at = page("train")
    labels = [b.label for b in at.button]
    # A server that timed a training says about how long; one that has not
    # (this test run alone) says a range.
    time = r"(about \d+ minutes|between \d+ (seconds|minutes) and \d+ minutes)"
    assert any(re.match(rf"Tutorial settings: 10 passes, {time}", x) for x in labels)
    captions = " ".join(c.value for c in at.caption)
    assert re.search(
        r"takes about \d+ (seconds|minutes) on this server|should take between",
        captions,
    )


def test_the_digit_shown_pixel_by_pixel_honours_the_filter(page):
    # Test image 17 is a 7: with the filter on 3s, the first 3 (#18) is shown.
    at = page("dataset", query=dict(split="test", digit="3", index="17"))
    assert at.selectbox(key="ds_index_of_digit").value == 18
    assert any("index 17 is not a 3" in i.value for i in at.info)
    at.selectbox(key="ds_digit@en").set_value("all").run()
    assert at.number_input(key="ds_index").value == 18


@pytest.mark.parametrize(
    "name, query",
    [
        ("train", {"epochs": "inf"}),
        ("train", {"epochs": "1e400"}),
        ("train", {"seed": "1e400"}),
        ("train", {"lr": "nan"}),
        ("dataset", {"page": "inf"}),
        ("dataset", {"index": "-inf"}),
        ("dataset", {"digit": "²"}),
    ],
)
def test_hostile_links_get_a_note_not_a_traceback(page, name, query):
    at = page(name, query=query)
    assert not at.exception
    assert any("From the link" in i.value for i in at.info)


@pytest.mark.parametrize(
    ("eta", "expected"),
    [(None, "estimating the time left…"), (42.0, "about 40 seconds left")],
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


def test_an_untimed_server_gives_the_preset_a_range(page):
    at = page("train")
    assert not at.exception
    fast = next(b for b in at.button if b.key == "preset_fast")
    assert " between " in fast.label and " and " in fast.label
    assert any("has not timed a training yet" in c.value for c in at.caption)


def test_select_sliders_write_their_numbers_in_spanish(page):
    at = page("train", locale="es-ES")
    assert not at.exception
    shown = {o for s in at.select_slider for o in s.options}
    assert {"0,008", "20.000", "60.000", "1.024"} <= shown, shown
