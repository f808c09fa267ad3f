"""Classify digits with a model built once: no per-call `model.predict` overhead."""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from PIL import Image

from mnist_core.constants import INPUT_SHAPE, NUM_CLASSES
from mnist_core.drawing.preprocess import PreparedImage, prepare_image
from mnist_core.errors import EmptyImageError, Message
from mnist_core.reading.calibration import with_temperature
from mnist_core.reading.digit_check import LAYERS, NOT_A_DIGIT, DigitCheck

# Below this top probability the app says it is not sure and shows two guesses.
# With calibrated confidence, on writers the model never saw, this line puts
# three in four mistakes under "not sure", and 3 % of right answers
# (docs/log/2026-11-29.md).
SURE_ABOVE = 0.9


@dataclass(frozen=True)
class Prediction:
    """What the model thinks of one image; `digit` is None when nothing was
    drawn or the drawing does not look like a digit (`reason` says which)."""

    digit: int | None
    confidence: float
    probabilities: tuple[float, ...]  # 10 values summing to 1, empty if no digit
    pixels: np.ndarray | None  # the 28x28 input the model saw
    reason: Message | None = None  # why there is no digit
    by_corrections: bool = False  # the user's corrections changed this reading

    @property
    def is_sure(self) -> bool:
        return self.digit is not None and self.confidence >= SURE_ABOVE

    def top(self, k: int = 2) -> list[tuple[int, float]]:
        """The k likeliest digits with their probabilities, best first."""
        order = np.argsort(self.probabilities)[::-1][:k]
        return [(int(d), float(self.probabilities[d])) for d in order]


def _pooled(activations: tf.Tensor) -> tf.Tensor:
    """(N, H, W, C) maps -> (N, 2C): each channel's mean and spread over the
    picture; (N, D) stays as it is."""
    if len(activations.shape) == 2:
        return activations
    axes = (1, 2)
    return tf.concat(
        [tf.reduce_mean(activations, axes), tf.math.reduce_std(activations, axes)], 1
    )


class Classifier:
    """Wraps a Keras model with a traced forward pass; safe to share across threads.

    `model.predict` builds a data adapter and callbacks on every call (~70 ms on
    one digit here); a `tf.function` traced once answers in about a millisecond.
    """

    def __init__(
        self,
        model: keras.Model,
        temperature: float = 1.0,
        digit_check: DigitCheck | None = None,
        gate: Classifier | None = None,
    ):
        self.model = model
        # Fitted on writers the model never saw (training.cross_validation); 1
        # leaves the network's own probabilities as they are.
        self.temperature = temperature
        spec = tf.TensorSpec((None, *INPUT_SHAPE), tf.float32)
        self._forward = tf.function(
            lambda x: model(x, training=False), input_signature=[spec]
        )
        # Fitted for this model's layers (reading.digit_check). A model without
        # one (trained here, taught, uploaded) is gated by a reader that has
        # one: the shipped model says "not a digit" for any model in use, and
        # no uploaded model can weaken that. With neither, every drawing with
        # ink is read as some digit.
        self.digit_check = digit_check
        self.gate = gate if digit_check is None else None
        self._inside = None if digit_check is None else self._trace_inside()

    def _trace_inside(self):
        """A forward pass that also returns the LAYERS' activations."""
        inside = keras.Model(
            self.model.inputs,
            [self.model.get_layer(n).output for n in LAYERS] + [self.model.outputs[0]],
        )

        def forward(x):
            *maps, probabilities = inside(x, training=False)
            return [_pooled(m) for m in maps] + [probabilities]

        spec = tf.TensorSpec((None, *INPUT_SHAPE), tf.float32)
        return tf.function(forward, input_signature=[spec])

    def looks_like_a_digit(self, prepared: PreparedImage) -> bool:
        """Whether this reader's digit check (or its gate's) takes `prepared`
        for a digit; True when it has neither."""
        if self.digit_check is None:
            return self.gate is None or self.gate.looks_like_a_digit(prepared)
        return self._checked(prepared)[0]

    def _checked(self, prepared: PreparedImage) -> tuple[bool, np.ndarray]:
        """(the digit check's verdict, the raw probabilities), in one pass."""
        batch = tf.constant(prepared.as_batch())
        *features, probs = (a.numpy() for a in self._inside(batch))
        evidence = self.digit_check.score(
            features, prepared.pixels[None], [prepared.stroke_ratio]
        )[0]
        return bool(evidence <= self.digit_check.threshold), probs

    def layer_features(self, batch: np.ndarray) -> list[np.ndarray]:
        """The (pooled) activations a digit check compares, for (N, 28, 28)."""
        if self._inside is None:
            self._inside = self._trace_inside()
        batch = np.asarray(batch, np.float32).reshape(-1, *INPUT_SHAPE)
        return [a.numpy() for a in self._inside(tf.constant(batch))[:-1]]

    def probabilities(self, batch: np.ndarray) -> np.ndarray:
        """float (N, 28, 28[, 1]) in [0, 1] -> (N, 10) probabilities."""
        batch = np.asarray(batch, np.float32)
        if batch.ndim == 3:
            batch = batch[..., None]
        probabilities = self._forward(tf.constant(batch)).numpy()
        return with_temperature(probabilities, self.temperature)

    def classify(self, image: np.ndarray | Image.Image) -> Prediction:
        """Any image of one digit -> a Prediction (digit None if it is empty or,
        with a digit check, not a digit)."""
        try:
            prepared = prepare_image(image)
        except EmptyImageError as exc:
            return Prediction(None, 0.0, (), None, reason=exc.message)
        if self.digit_check is None:
            if self.gate is not None and not self.gate.looks_like_a_digit(prepared):
                return Prediction(None, 0.0, (), prepared.pixels, reason=NOT_A_DIGIT)
            probs = self.probabilities(prepared.as_batch())[0]
        else:
            looks, probs = self._checked(prepared)
            if not looks:
                return Prediction(None, 0.0, (), prepared.pixels, reason=NOT_A_DIGIT)
            probs = with_temperature(probs, self.temperature)[0]
        digit = int(np.argmax(probs))
        assert probs.shape == (NUM_CLASSES,)
        return Prediction(
            digit, float(probs[digit]), tuple(map(float, probs)), prepared.pixels
        )
