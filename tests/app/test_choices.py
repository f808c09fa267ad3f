"""Choices survive language switches and page changes, as a person walks the app."""

import pytest

from app_ui.common import SHIPPED, YOURS

pytestmark = pytest.mark.slow

ROUND_TRIP = ["es", "en", "es", "en"]


def switch(at, lang: str):
    at.sidebar.radio(key="lang").set_value(lang).run()
    assert not at.exception, f"after switching to {lang}"
    return at


def shown(at, kind: str, key: str):
    """The widget that shows kept choice `key` in the session's language."""
    lang = at.session_state["lang"]
    return getattr(at, kind)(key=f"{key}@{lang}")


@pytest.mark.parametrize("arch", ["small", "fast", "recipe"])
def test_the_architecture_chosen_survives_language_round_trips(page, arch):
    at = page("train")
    shown(at, "radio", "tr_arch").set_value(arch).run()
    for lang in ROUND_TRIP:
        switch(at, lang)
        assert shown(at, "radio", "tr_arch").value == arch
        assert at.query_params["arch"] == arch
    assert not at.error


def test_the_dataset_view_survives_a_spanish_browser_and_round_trips(page):
    at = page("dataset", locale="es-ES")
    assert not at.exception
    assert shown(at, "selectbox", "ds_digit").value == "all"
    shown(at, "radio", "ds_split").set_value("test").run()
    shown(at, "selectbox", "ds_digit").set_value(3).run()
    for lang in ROUND_TRIP:
        switch(at, lang)
        assert shown(at, "radio", "ds_split").value == "test"
        assert shown(at, "selectbox", "ds_digit").value == 3


def test_the_dataset_view_is_back_after_another_page(page):
    at = page("dataset")
    shown(at, "selectbox", "ds_digit").set_value(5).run()
    at.switch_page("app_pages/prepare.py").run()
    at.switch_page("app_pages/dataset.py").run()
    assert not at.exception
    assert shown(at, "selectbox", "ds_digit").value == 5


def test_the_model_diagram_choice_survives_language_round_trips(page):
    at = page("model")
    shown(at, "radio", "diagram_arch").set_value("recipe").run()
    for lang in ROUND_TRIP:
        switch(at, lang)
        assert shown(at, "radio", "diagram_arch").value == "recipe"


@pytest.fixture
def your_model():
    """A session's own model: the shipped network under another card."""
    from dataclasses import replace

    from app_ui.common import get_shipped

    shipped = get_shipped()
    return replace(shipped, label=YOURS)


def test_your_model_stays_in_use_across_pages_and_languages(page, your_model):
    at = page("model", your_model=your_model, model_in_use=YOURS)
    assert shown(at, "radio", "model_in_use").value == YOURS
    for step in ["app_pages/train.py", "app_pages/draw.py", "es", "app_pages/home.py"]:
        if step.endswith(".py"):
            at.switch_page(step).run()
        else:
            switch(at, step)
        assert not at.exception
    at.switch_page("app_pages/draw.py").run()
    assert shown(at, "radio", "model_in_use").value == YOURS
    at.switch_page("app_pages/model.py").run()
    assert shown(at, "radio", "model_in_use").value == YOURS


def test_picking_the_shipped_model_on_draw_holds_on_model(page, your_model):
    at = page("draw", your_model=your_model, model_in_use=YOURS)
    shown(at, "radio", "model_in_use").set_value(SHIPPED).run()
    switch(at, "es")
    at.switch_page("app_pages/model.py").run()
    assert shown(at, "radio", "model_in_use").value == SHIPPED


def test_select_sliders_keep_their_values_across_language_round_trips(page):
    # Their labels are numbers written per language (10,000 / 10.000): a
    # switch must not reset them to the first stop.
    at = page("train")
    shown(at, "select_slider", "tr_size").set_value(10000).run()
    shown(at, "select_slider", "tr_lr").set_value(8e-3).run()
    for lang in ROUND_TRIP:
        switch(at, lang)
        assert shown(at, "select_slider", "tr_size").value == 10000
        assert shown(at, "select_slider", "tr_lr").value == 8e-3
        assert (at.query_params["size"], at.query_params["lr"]) == ("10000", "0.008")
