"""The training input: batches of normalised digits and one-hot labels, in tf.data."""

from __future__ import annotations

import weakref

import numpy as np
import tensorflow as tf

from mnist_core.constants import INPUT_SHAPE, NUM_CLASSES
from mnist_core.data.augment import augment_batch

# tf.data's autotuner re-tunes the pipeline while it runs; on 2 cores it
# slowed whole epochs at random (bench/pipeline.py, docs/performance.md).
_PIPELINE_OPTIONS = tf.data.Options()
_PIPELINE_OPTIONS.autotune.enabled = False
# A batch's shapes, which numpy_function cannot tell Keras on its own.
_IMAGES_SHAPE = (None, *INPUT_SHAPE)
_LABELS_SHAPE = (None, NUM_CLASSES)


class _Arrays:
    """The images and labels one dataset reads."""

    def __init__(self, x: np.ndarray, y: np.ndarray):
        self.x, self.y = x, y


def make_dataset(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    *,
    seed: int = 0,
    training: bool = False,
    augment: bool = False,
) -> tf.data.Dataset:
    """Batches of (float images in [0, 1], one-hot labels) from uint8 arrays.

    Each batch is gathered from the NumPy arrays themselves, not from copies
    in TensorFlow constants, which cost more peak memory (docs/performance.md).
    The arrays live as long as the returned dataset: keep it while it is read.
    """
    # TensorFlow never lets go of a numpy_function's Python function
    # (tensorflow/tensorflow#35084): closing over the arrays kept every
    # training's and every Teach's copy for the server's life. The function
    # holds a weak reference; the dataset object holds the arrays.
    source = _Arrays(x, y)
    arrays = weakref.ref(source)

    def take(index):
        held = arrays()
        if held is None:
            raise RuntimeError("read after its dataset was dropped")
        return held.x[index], held.y[index]

    ds = tf.data.Dataset.range(len(x))
    if training:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size).enumerate()

    def load(step, index):
        images, labels = tf.numpy_function(
            take, [index], (tf.uint8, tf.uint8), stateful=False
        )
        batch = tf.cast(images, tf.float32)[..., None] / 255.0
        batch = tf.ensure_shape(batch, _IMAGES_SHAPE)
        if augment:
            # The first index differs every epoch (reshuffled), the step every batch.
            batch_seed = tf.cast(tf.stack([seed * 100_003 + step, index[0]]), tf.int32)
            batch = augment_batch(batch, batch_seed)
        return batch, tf.ensure_shape(tf.one_hot(labels, NUM_CLASSES), _LABELS_SHAPE)

    ds = ds.map(load, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    ds = ds.with_options(_PIPELINE_OPTIONS)
    ds.source_arrays = source
    return ds
