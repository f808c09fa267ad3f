"""Real people's digits replayed as mouse strokes on the Draw page's canvas."""

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from mnist_core.constants import SHIPPED_MODEL_PATH
from mnist_core.data.pen_digits import load_samples, place_on_canvas
from mnist_core.drawing.strokes import render_strokes
from tests.e2e.conftest import open_page, wait_idle
from tests.support.datasets import DEFAULT_HANDWRITING
from tests.support.drawing import draw, prediction

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPLAYS = 30
PEN = 20  # the Draw page's default brush width


def replay(page, strokes) -> str | None:
    """Draw the strokes, read the Prediction, clear; None if no answer came."""
    try:
        draw(page, [s.tolist() for s in strokes])
        wait_idle(page)
        shown = prediction(page)
        page.get_by_role("button", name="Clear").click()
        wait_idle(page)
        page.get_by_text("Draw a digit on the canvas.").wait_for()
        return shown
    except PlaywrightTimeout:  # counted as a disagreement; start afresh
        open_page(page, "draw")
        return None


def test_browser_prediction_equals_offline_pipeline(page):
    if not DEFAULT_HANDWRITING.exists():
        pytest.skip("UNIPEN samples are only in the project's shared datasets")
    from mnist_core.models.storage import load_model
    from mnist_core.reading.classifier import Classifier

    samples = load_samples(DEFAULT_HANDWRITING)
    chosen = samples[:: len(samples) // REPLAYS][:REPLAYS]  # every institution
    classifier = Classifier(load_model(SHIPPED_MODEL_PATH).model)
    rng = np.random.default_rng(0)
    open_page(page, "draw")
    results = []
    for sample in chosen:
        strokes, _ = place_on_canvas(sample, rng, width=PEN)
        offline = classifier.classify(render_strokes(strokes, width=PEN)).digit
        results.append((sample.label, offline, replay(page, strokes)))
    agree = sum(str(offline) == shown for _, offline, shown in results)
    assert agree >= REPLAYS - 1, results
