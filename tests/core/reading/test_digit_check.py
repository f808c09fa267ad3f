"""A drawing that is no digit is told so; a drawn digit is still read."""

import numpy as np
import pytest

from mnist_core.data.non_digits import KINDS, draw_non_digit, non_digits
from mnist_core.drawing.strokes import render_strokes
from mnist_core.reading.digit_check import NOT_A_DIGIT
from tests.support.drawing import ONE, SCRIBBLE, SEVEN


@pytest.fixture(scope="module")
def shipped():
    from mnist_core.constants import SHIPPED_MODEL_PATH
    from mnist_core.models.storage import load_model
    from mnist_core.reading.classifier import Classifier
    from mnist_core.reading.digit_check import load_check_for

    check = load_check_for(SHIPPED_MODEL_PATH)
    assert check is not None, "fit it: python bench/not_a_digit.py --fit"
    return Classifier(load_model(SHIPPED_MODEL_PATH).model, digit_check=check)


def blob() -> np.ndarray:
    canvas = np.zeros((280, 280), np.uint8)
    yy, xx = np.mgrid[:280, :280]
    canvas[((yy - 140) / 90) ** 2 + ((xx - 130) / 70) ** 2 < 1] = 255
    return canvas


@pytest.mark.parametrize(
    "drawing",
    [render_strokes(SCRIBBLE, width=20), blob()],
    ids=["scribble", "blob"],
)
def test_a_scribble_or_blob_is_not_read_as_a_digit(shipped, drawing):
    prediction = shipped.classify(drawing)
    assert prediction.digit is None and not prediction.is_sure
    assert prediction.reason == NOT_A_DIGIT
    assert prediction.pixels.shape == (28, 28)  # the page shows what it saw


@pytest.mark.parametrize(("strokes", "digit"), [(SEVEN, 7), (ONE, 1)], ids=["7", "1"])
@pytest.mark.parametrize("width", [10, 20, 40])
def test_drawn_digits_are_still_read(shipped, strokes, digit, width):
    prediction = shipped.classify(render_strokes(strokes, width=width))
    assert prediction.digit == digit and prediction.reason is None


def test_most_made_up_non_digits_are_caught(shipped):
    caught = [shipped.classify(image).digit is None for _, image in non_digits(40, 5)]
    assert np.mean(caught) >= 0.7  # bench/not_a_digit.py measures 2,000


def test_non_digits_are_reproducible_canvases():
    for kind in KINDS:
        a = draw_non_digit(kind, np.random.default_rng(3))
        b = draw_non_digit(kind, np.random.default_rng(3))
        assert a.shape == (280, 280) and a.dtype == np.uint8 and a.max() == 255
        np.testing.assert_array_equal(a, b)


def synthetic_features(rng, n, shift=0.0):
    """Four layers' pooled activations of `n` drawings: each class a little apart
    along the diagonal; `shift` moves every layer across it, away from them all."""
    labels = np.arange(n) % 10
    layers = []
    for d in (6, 8, 8, 12):
        across = np.where(np.arange(d) % 2 == 0, shift, -shift)
        layers.append(rng.normal(size=(n, d)) + labels[:, None] * 0.5 + across)
    return layers, labels


def test_a_check_fitted_on_real_digits_refuses_what_is_far_from_them(tmp_path):
    from mnist_core.reading.digit_check import DigitCheck, fit_digit_check

    rng = np.random.default_rng(0)
    train, labels = synthetic_features(rng, 4000)
    drawn, _ = synthetic_features(rng, 2000)
    pixels = np.zeros((2000, 28, 28))
    pixels[:, 4:24, 13:16] = 1.0  # a 1's worth of ink
    ratios = rng.uniform(0.05, 0.2, 2000)
    check = fit_digit_check(train, labels, (drawn, pixels, ratios), refused_share=0.01)
    np.testing.assert_array_equal(check.weights, np.ones(7))  # no practice: all 1
    assert np.mean(check.score(drawn, pixels, ratios) > check.threshold) <= 0.011
    far, _ = synthetic_features(rng, 200, shift=4.0)
    assert (
        np.mean(check.score(far, pixels[:200], ratios[:200]) > check.threshold) > 0.95
    )
    blob = np.ones((200, 28, 28))  # all ink, a stroke as broad as the drawing
    near = [x[:200] for x in drawn]
    assert np.all(check.score(near, blob, np.full(200, 0.5)) > check.threshold)
    check.save(tmp_path / "check.npz")
    again = DigitCheck.load(tmp_path / "check.npz")
    np.testing.assert_allclose(
        again.score(far, pixels[:200], ratios[:200]),
        check.score(far, pixels[:200], ratios[:200]),
        rtol=1e-4,
    )


def test_weights_follow_the_scores_that_tell_practice_from_digits():
    from mnist_core.reading.digit_check import fit_weights

    rng = np.random.default_rng(1)
    real = rng.normal(size=(3000, 3))
    practice = rng.normal(size=(1000, 3)) + [3.0, 0.0, -2.0]
    weights = fit_weights(real, practice)
    # The separating score leads; the useless one barely counts; the one
    # that runs backwards may not speak for a digit: it gets nothing.
    assert weights[0] > 1.0 and weights[1] < 0.2 * weights[0]
    assert weights[2] == 0.0 and np.all(weights >= 0)


def test_practice_shapes_the_weights_and_the_line_still_holds():
    from mnist_core.reading.digit_check import fit_digit_check

    rng = np.random.default_rng(2)
    train, labels = synthetic_features(rng, 4000)
    drawn, _ = synthetic_features(rng, 2000)
    far, _ = synthetic_features(rng, 500, shift=2.0)
    pixels = np.zeros((2500, 28, 28))
    pixels[:, 4:24, 13:16] = 1.0
    ratios = rng.uniform(0.05, 0.2, 2500)
    check = fit_digit_check(
        train,
        labels,
        (drawn, pixels[:2000], ratios[:2000]),
        (far, pixels[2000:], ratios[2000:]),
        refused_share=0.01,
    )
    assert not np.allclose(check.weights, 1.0) and np.all(check.weights >= 0)
    refused = check.score(drawn, pixels[:2000], ratios[:2000]) > check.threshold
    assert np.mean(refused) <= 0.011


@pytest.fixture(scope="module")
def fresh_models():
    """A fresh Fast CNN and a fresh tutorial CNN, untrained: they read anything
    as some digit, as a model trained on Train or uploaded does without a gate."""
    from mnist_core.models.architectures import build_model

    return {arch: build_model(arch) for arch in ("fast", "recipe")}


@pytest.mark.parametrize("arch", ["fast", "recipe"])
def test_any_model_says_not_a_digit_through_the_shipped_gate(
    shipped, fresh_models, arch
):
    # Issue #36: after any training, a letter A was read "4 (100% sure)".
    from mnist_core.reading.classifier import Classifier

    alone = Classifier(fresh_models[arch])
    gated = Classifier(fresh_models[arch], gate=shipped)
    for drawing in (render_strokes(SCRIBBLE, width=20), blob()):
        assert alone.classify(drawing).digit is not None  # without the gate
        prediction = gated.classify(drawing)
        assert prediction.digit is None and prediction.reason == NOT_A_DIGIT
    for _, image in non_digits(40, 5):  # the gate refuses what the shipped does
        assert (gated.classify(image).digit is None) == (
            shipped.classify(image).digit is None
        )


def test_a_gated_model_reads_digits_with_its_own_probabilities(shipped, fresh_models):
    from mnist_core.reading.classifier import Classifier

    gated = Classifier(fresh_models["fast"], gate=shipped)
    seven = render_strokes(SEVEN, width=20)
    prediction = gated.classify(seven)
    assert prediction.reason is None and prediction.digit is not None
    own = Classifier(fresh_models["fast"]).classify(seven)
    assert prediction.probabilities == pytest.approx(own.probabilities)


def ring(cx, cy, rx, ry, points=24):
    angles = np.linspace(0, 2 * np.pi, points + 1)
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


# The zeros and ones much of Europe writes (issue #36): a slashed and a
# barred ring, and a one with a long flag, at the Draw page's pen widths.
EUROPEAN = {
    "Ø zero": (0, [ring(140, 140, 55, 90), [(105, 215), (175, 65)]]),
    "θ zero": (0, [ring(140, 140, 55, 90), [(75, 140), (205, 140)]]),
    "flagged one": (1, [[(95, 105), (150, 45), (150, 235)]]),
}


@pytest.mark.parametrize("width", [12, 20, 28])
@pytest.mark.parametrize("style", list(EUROPEAN))
def test_the_ways_europe_writes_0_and_1_are_digits(shipped, style, width):
    digit, strokes = EUROPEAN[style]
    prediction = shipped.classify(render_strokes(strokes, width=width))
    assert prediction.reason != NOT_A_DIGIT
    assert prediction.digit == digit


def test_barred_zeros_are_digits_not_refusals(shipped, mnist):
    # MNIST's test 0s with a bar across (θ), as big as a canvas drawing: the
    # check fitted on MNIST-like writers alone refused 17 of these 60.
    from mnist_core.data.writing_styles import in_style

    rng = np.random.default_rng(0)
    zeros = mnist.x_test[np.flatnonzero(mnist.y_test == 0)[:60]]
    barred = [in_style(zero, "θ zero", rng) for zero in zeros]
    read = [shipped.classify(np.kron(z, np.ones((10, 10), np.uint8))) for z in barred]
    assert sum(p.digit is None for p in read) <= 2
    assert sum(p.digit == 0 for p in read) >= 57
