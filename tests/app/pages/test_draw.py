"""The Draw page under AppTest: the empty canvas and corrections (strokes: e2e)."""

from tests.support.app import linkable, markdowns, texts


def test_draw_page_asks_for_a_digit_when_the_canvas_is_empty(page):
    at = page("draw")
    assert not at.exception
    assert any("Draw a digit" in str(i.value) for i in at.info)
    assert at.slider(key="brush").value == 20
    assert [b.label for b in at.main.button] == ["Clear"]


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


def test_the_shipped_models_footnote_shows_only_while_it_is_in_use(page):
    # Its words ("each number above was measured on people it never saw")
    # speak of the shipped model's numbers, not of a model the user trained.
    from dataclasses import replace

    from app_ui.common import SHIPPED, YOURS, get_shipped

    footnote = "each number above was measured"
    at = page("draw")
    assert footnote in texts(at) or "also learned from" in texts(at)
    mine = replace(get_shipped(), label=YOURS)
    at = page("draw", your_model=mine, model_in_use=YOURS)
    assert not at.exception
    assert footnote not in texts(at) and "also learned from" not in texts(at)
    at.radio(key="model_in_use@en").set_value(SHIPPED).run()
    assert footnote in texts(at) or "also learned from" in texts(at)


def test_a_model_named_like_a_web_address_is_no_link_in_the_caption(page):
    from dataclasses import replace

    from app_ui.common import YOURS, get_shipped

    shipped = get_shipped()
    card = replace(shipped.card, architecture="www.evil.example", members=())
    mine = replace(shipped, label=YOURS, card=card)
    at = page("draw", your_model=mine, model_in_use=YOURS)
    assert not at.exception
    assert "Your model (www.evil.example): " in texts(at)
    assert [m for m in markdowns(at) if linkable(m)] == []


def test_a_model_made_here_answers_not_a_digit_through_the_shipped_check():
    # Issue #36: after any training, Draw read a letter A "4 (100% sure)": a
    # model trained, taught or uploaded here had no digit check at all.
    from app_ui.common import get_shipped, reader_for
    from mnist_core.models.architectures import build_model

    reader = reader_for(build_model("fast"))
    assert reader.gate is get_shipped().classifier
    assert reader.gate.digit_check is not None


def taught_state(taught_model, yours_model):
    """A session that taught a copy (taught_model) and now has yours_model."""
    from dataclasses import replace

    import numpy as np

    from app_ui.common import YOURS, get_shipped
    from mnist_core.training.corrections import Corrections
    from mnist_core.training.finetune import FineTuneResult

    corrections = Corrections()
    corrections.add(np.zeros((28, 28), np.float32), 7)
    taught = FineTuneResult(taught_model, [1], [7], [7], 0.99, 0.985)
    yours = replace(get_shipped(), label=YOURS, model=yours_model)
    return {
        "corrections": corrections,
        "taught": taught,
        "your_model": yours,
        "model_in_use": YOURS,
    }


def test_the_teach_box_speaks_of_the_taught_copy_only_while_it_is_yours(page):
    # Issue #36: after an upload the box still said "The taught copy is now
    # your model, in use above" with the taught copy's MNIST figure.
    from app_ui.common import get_shipped

    shipped = get_shipped().model
    at = page("draw", **taught_state(shipped, shipped))
    assert "The taught copy is now" in texts(at)
    uploaded = object()  # another model has become "your model" since
    at = page("draw", **taught_state(shipped, uploaded))
    assert not at.exception
    assert "taught copy" not in texts(at)
    assert "Corrections it now gets right" not in [m.label for m in at.metric]
