"""Augmentation distorts digits reproducibly and keeps them digits."""

import numpy as np
import tensorflow as tf

from mnist_core.augment import (
    AugmentConfig,
    augment_batch,
    bilinear_sample,
    elastic_warp,
)


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


def test_bilinear_sampling_is_exact_on_the_grid_and_shifts_by_whole_pixels(mnist):
    images = batch(mnist)[..., 0]
    grid = tf.cast(tf.range(28), tf.float32)
    rows = tf.broadcast_to(grid[None, :, None], images.shape)
    cols = tf.broadcast_to(grid[None, None, :], images.shape)
    np.testing.assert_array_equal(bilinear_sample(images, rows, cols), images)
    down = bilinear_sample(
        images, rows - 1, cols
    ).numpy()  # each pixel from the row above
    np.testing.assert_array_equal(down[:, 1:], images.numpy()[:, :-1])
    assert (down[:, 0] == 0).all()  # outside the image is background


def test_elastic_distortion_wobbles_without_losing_ink(mnist):
    images = batch(mnist, 64)
    wobbled = elastic_warp(images, tf.constant([3, 4]), AugmentConfig()).numpy()
    change = np.abs(wobbled - images.numpy()).mean()
    assert 0.01 < change < 0.2  # visibly moved, still the same digit
    assert abs(wobbled.sum() / images.numpy().sum() - 1) < 0.05
