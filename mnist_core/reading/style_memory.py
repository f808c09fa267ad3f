"""Learn a user's style at once: corrected drawings kept as examples.

A correction is stored as the network's last hidden features (the input of the
layer that gives the probabilities). A new drawing whose features are close to
a stored example's gets a vote for that example's digit, blended with the
model's own probabilities; a drawing close to no example reads exactly as
before. No training: a reading costs one forward pass and a small dot product.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf
from PIL import Image

from mnist_core.constants import INPUT_SHAPE, NUM_CLASSES
from mnist_core.reading.calibration import with_temperature
from mnist_core.reading.classifier import Classifier, Prediction

# An example votes only for drawings whose features have at least this cosine
# similarity with its own; the vote grows from 0 there to STRENGTH at 1.
# Chosen on the dev file's writers and MNIST's training digits: lower lines fix
# more of a writer's digits but break MNIST digits that look like a correction
# (bench/style_memory.py --grid, docs/style-memory.md).
SIMILAR_ABOVE = 0.9
# A stored example identical to the drawing counts this many times the
# model's whole answer: a user's own correction outweighs the model.
STRENGTH = 4.0
MAX_EXAMPLES = 50  # like training.corrections.MAX_CORRECTIONS


def _producer(tensor) -> object:
    return tensor._keras_history.operation


def _feature_tensors(model: keras.Model, inputs: list) -> list | None:
    """The tensors feeding the layer(s) that give the probabilities, or None.

    A Dense output layer (softmax inside it or in an Activation after it) gives
    its input; an averaging layer over members gives each member's.
    """
    last = _producer(model.outputs[0])
    if isinstance(last, keras.layers.Activation | keras.layers.Softmax):
        last = _producer(last.input)
    if isinstance(last, keras.layers.Dense):
        return [last.input]
    if isinstance(last, keras.layers.Average | keras.layers.Add):
        parts = []
        for tensor in last.input:
            member = _producer(tensor)
            if isinstance(member, keras.Model):
                found = _feature_tensors(member, member.inputs)
                if found is None:
                    return None
                sub = keras.Model(member.inputs, found)
                outs = sub(inputs[0])
                parts += outs if isinstance(outs, list) else [outs]
            elif isinstance(member, keras.layers.Dense):
                parts.append(member.input)
            else:
                return None
        return parts
    return None


def feature_model(model: keras.Model) -> keras.Model | None:
    """A model from `model`'s input to [features..., probabilities], or None
    when its last hidden layer cannot be found (then no instant step)."""
    try:
        features = _feature_tensors(model, model.inputs)
        if not features:
            return None
        return keras.Model(model.inputs, [*features, model.outputs[0]])
    except (AttributeError, TypeError, ValueError, IndexError):
        return None


def unit_features(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Each part flattened and scaled to length 1, joined (each member counts
    the same), the whole of length 1."""
    normed = []
    for part in parts:
        flat = np.asarray(part, np.float32).reshape(len(part), -1)
        normed.append(
            flat / np.maximum(np.linalg.norm(flat, axis=1, keepdims=True), 1e-9)
        )
    return np.concatenate(normed, axis=1) / np.sqrt(len(normed))


def blend(
    probabilities: np.ndarray,
    features: np.ndarray,
    examples: np.ndarray,
    labels: np.ndarray,
    similar_above: float = SIMILAR_ABOVE,
    strength: float = STRENGTH,
) -> np.ndarray:
    """The model's (N, 10) probabilities with the stored examples' votes.

    Args:
        features: (N, D) unit-length features of the drawings read.
        examples: (M, D) unit-length features of the corrected drawings.
        labels: (M,) the digits the user said they are.
    Returns:
        (N, 10) probabilities; rows close to no example are unchanged.
    """
    if len(examples) == 0:
        return probabilities
    similarity = features @ examples.T  # (N, M) cosine
    weight = np.clip((similarity - similar_above) / (1 - similar_above), 0, 1)
    votes = strength * weight**2 @ np.eye(NUM_CLASSES)[labels]  # (N, 10)
    return (probabilities + votes) / (1 + votes.sum(axis=1, keepdims=True))


class StyleMemory:
    """A Classifier that also reads with the session's corrections at once.

    `classify` and `probabilities` answer like the wrapped Classifier's; with
    no example stored (or none close) they give exactly its answer. One per
    session and model: plain NumPy state, nothing shared, nothing trained.
    """

    def __init__(
        self,
        classifier: Classifier,
        similar_above: float = SIMILAR_ABOVE,
        strength: float = STRENGTH,
    ):
        self.classifier = classifier
        self.similar_above = similar_above
        self.strength = strength
        self._examples = np.zeros((0, 0), np.float32)
        self._labels: list[int] = []
        extractor = feature_model(classifier.model)
        self._forward = None
        if extractor is not None:
            spec = tf.TensorSpec((None, *INPUT_SHAPE), tf.float32)
            self._forward = tf.function(
                lambda x: extractor(x, training=False), input_signature=[spec]
            )

    @property
    def available(self) -> bool:
        """False when the model has no last hidden layer to compare in."""
        return self._forward is not None

    def __len__(self) -> int:
        return len(self._labels)

    @property
    def model(self) -> keras.Model:
        return self.classifier.model

    @property
    def temperature(self) -> float:
        return self.classifier.temperature

    def read(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """float (N, 28, 28[, 1]) -> unit features (N, D) and the model's own
        (N, 10) probabilities, in one forward pass."""
        batch = np.asarray(batch, np.float32)
        if batch.ndim == 3:
            batch = batch[..., None]
        *parts, probabilities = self._forward(tf.constant(batch))
        own = with_temperature(probabilities.numpy(), self.classifier.temperature)
        return unit_features([p.numpy() for p in parts]), own

    def remember(self, pixels: Sequence[np.ndarray], labels: Sequence[int]) -> None:
        """Store corrected drawings (28x28 model inputs) with their true digits;
        beyond MAX_EXAMPLES the oldest are dropped. Ignored if not available."""
        if not self.available or len(labels) == 0:
            return
        features, _ = self.read(np.stack([np.asarray(p) for p in pixels]))
        kept = features if len(self) == 0 else np.vstack([self._examples, features])
        self._examples = kept[-MAX_EXAMPLES:]
        self._labels = [*self._labels, *map(int, labels)][-MAX_EXAMPLES:]

    def forget(self) -> None:
        """Drop every stored example: readings are the model's own again."""
        self._examples = np.zeros((0, 0), np.float32)
        self._labels = []

    def probabilities(self, batch: np.ndarray) -> np.ndarray:
        """float (N, 28, 28[, 1]) in [0, 1] -> (N, 10), the examples blended in."""
        if not self._labels:
            return self.classifier.probabilities(batch)
        features, own = self.read(batch)
        return blend(
            own,
            features,
            self._examples,
            np.array(self._labels),
            self.similar_above,
            self.strength,
        )

    def classify(self, image: np.ndarray | Image.Image) -> Prediction:
        """Any image of one digit -> a Prediction, like Classifier.classify
        (what it finds empty or not a digit stays so); `by_corrections` says
        whether the stored examples changed its probabilities."""
        own = self.classifier.classify(image)
        if not self._labels or own.digit is None:
            return own
        features, _ = self.read(own.pixels[None])
        probs = blend(
            np.array([own.probabilities]),
            features,
            self._examples,
            np.array(self._labels),
            self.similar_above,
            self.strength,
        )[0]
        digit = int(np.argmax(probs))
        return Prediction(
            digit,
            float(probs[digit]),
            tuple(map(float, probs)),
            own.pixels,
            by_corrections=not np.allclose(probs, own.probabilities, atol=1e-6),
        )
