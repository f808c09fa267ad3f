"""Corrections used at once: a corrected style is read right, nothing else moves."""

import numpy as np
import pytest

from mnist_core.drawing.strokes import render_strokes
from mnist_core.reading.style_memory import blend
from tests.support.drawing import SCRIBBLE, SEVEN

# A one with a long, low flag: up from far left, then straight down. The
# shipped model reads both as 7; the second is drawn a little differently.
FLAGGED_ONE = [[(50, 90), (150, 60), (150, 235)]]
ANOTHER_FLAGGED_ONE = [[(48, 88), (148, 58), (152, 232)]]


@pytest.fixture(scope="module")
def shipped():
    from mnist_core.constants import SHIPPED_MODEL_PATH
    from mnist_core.models.storage import load_model
    from mnist_core.reading.classifier import Classifier
    from mnist_core.reading.digit_check import load_check_for

    model, check = (
        load_model(SHIPPED_MODEL_PATH).model,
        load_check_for(SHIPPED_MODEL_PATH),
    )
    return Classifier(model, digit_check=check)  # as the Draw page reads


def corrected(classifier, strokes, digit):
    from mnist_core.reading.style_memory import StyleMemory

    memory = StyleMemory(classifier)
    drawn = classifier.classify(render_strokes(strokes))
    memory.remember([drawn.pixels], [digit])
    return memory


@pytest.mark.slow
def test_after_one_correction_the_next_flagged_one_reads_as_one(shipped):
    second = render_strokes(ANOTHER_FLAGGED_ONE, width=16)
    assert shipped.classify(render_strokes(FLAGGED_ONE)).digit != 1
    assert shipped.classify(second).digit != 1  # the model alone misreads both
    memory = corrected(shipped, FLAGGED_ONE, 1)
    assert memory.available and len(memory) == 1
    answer = memory.classify(second)
    assert answer.digit == 1 and answer.by_corrections


@pytest.mark.slow
def test_a_scribble_after_a_correction_is_still_not_a_digit(shipped):
    from mnist_core.reading.digit_check import NOT_A_DIGIT

    memory = corrected(shipped, FLAGGED_ONE, 1)
    answer = memory.classify(render_strokes(SCRIBBLE, width=20))
    assert answer.digit is None and answer.reason == NOT_A_DIGIT


@pytest.mark.slow
def test_forgetting_restores_the_original_reading(shipped):
    second = render_strokes(ANOTHER_FLAGGED_ONE, width=16)
    memory = corrected(shipped, FLAGGED_ONE, 1)
    memory.forget()
    assert len(memory) == 0
    assert (
        memory.classify(second).probabilities == shipped.classify(second).probabilities
    )


@pytest.mark.slow
def test_an_unrelated_seven_reads_as_before(shipped):
    seven = render_strokes(SEVEN)
    memory = corrected(shipped, FLAGGED_ONE, 1)
    before, after = shipped.classify(seven), memory.classify(seven)
    assert after.digit == before.digit == 7 and not after.by_corrections
    np.testing.assert_allclose(after.probabilities, before.probabilities, atol=1e-6)


def test_an_example_far_from_every_drawing_changes_nothing():
    rng = np.random.default_rng(0)
    probabilities = rng.dirichlet(np.ones(10), size=5)
    features = np.eye(8)[:5]  # unit vectors, orthogonal to the example
    example = np.eye(8)[7:8]
    same = blend(probabilities, features, example, np.array([3]))
    np.testing.assert_array_equal(same, probabilities)
    near = blend(probabilities[:1], example, example, np.array([3]))
    assert near[0].argmax() == 3 and np.isclose(near.sum(), 1.0)


def test_features_found_in_sequential_functional_and_averaged_models():
    import keras

    from mnist_core.reading.style_memory import feature_model

    def member(name):
        return keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                keras.layers.Flatten(),
                keras.layers.Dense(16, activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ],
            name=name,
        )

    image = keras.Input((28, 28, 1))
    pair = keras.Model(
        image, keras.layers.Average()([member("a")(image), member("b")(image)])
    )
    activation_last = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10),
         keras.layers.Softmax()]
    )  # fmt: skip
    x = np.zeros((2, 28, 28, 1), np.float32)
    for model, widths in ((member("one"), [16]), (pair, [16, 16]),
                          (activation_last, [784])):  # fmt: skip
        *features, probabilities = feature_model(model)(x)
        assert [f.shape[-1] for f in features] == widths
        np.testing.assert_allclose(probabilities, model(x), atol=1e-6)
    pooled = keras.Sequential(
        [keras.Input((28, 28, 1)), keras.layers.GlobalAveragePooling2D()]
    )
    assert feature_model(pooled) is None  # no instant step, no error
