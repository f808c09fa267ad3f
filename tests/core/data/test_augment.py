"""Augmentation distorts digits reproducibly and keeps them digits."""

import numpy as np
import tensorflow as tf

from mnist_core.data.augment import augment_batch


def batch(mnist, n=16):
    return tf.constant(mnist.x_test[:n, :, :, None] / 255.0, tf.float32)


def test_same_seed_same_distortion_other_seed_other(mnist):
    images = batch(mnist)
    a = augment_batch(images, tf.constant([1, 2])).numpy()
    b = augment_batch(images, tf.constant([1, 2])).numpy()
    c = augment_batch(images, tf.constant([1, 3])).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_distorted_digits_stay_in_range_and_keep_their_ink(mnist):
    images = batch(mnist, 64)
    out = augment_batch(images, tf.constant([5, 5])).numpy()
    assert out.shape == images.shape and out.min() >= 0 and out.max() <= 1
    assert not np.allclose(out, images.numpy())
    ink_ratio = out.sum(axis=(1, 2, 3)) / images.numpy().sum(axis=(1, 2, 3))
    # Scale and thickness change the ink, but a digit never vanishes or floods.
    assert ink_ratio.min() > 0.4 and ink_ratio.max() < 2.5
