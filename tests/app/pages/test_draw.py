"""The Draw page under AppTest: the empty canvas and corrections (strokes: e2e)."""

from tests.support.app import texts


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
