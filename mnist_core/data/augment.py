"""Random distortions of training digits: affine warps and stroke thickness.

Seeds are stateless (derived from the run's seed and the batch), so the same
seed gives the same augmented batches, whatever tf.data's parallelism.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import tensorflow as tf


@dataclass(frozen=True)
class AugmentConfig:
    """How far each distortion may go; the defaults keep every digit readable."""

    rotation_degrees: float = 12.0  # people slant their digits
    scale: float = 0.12  # +-12 % size
    shear: float = 0.25  # tangent of the shear angle, italic-like slant
    translate_px: float = 2.5  # MNIST centring is not exact for drawings
    thickness: float = 0.6  # up to 60 % of the way to a dilated/eroded stroke


def _uniform(seed, n, bound: float, index: int):
    # Each parameter gets its own stateless stream from the same batch seed.
    return tf.random.stateless_uniform([n], seed + index, -bound, bound)


def _affine_transforms(seed, n, size: int, cfg: AugmentConfig):
    """Output->input pixel maps for ImageProjectiveTransformV3, one row per image."""
    angle = _uniform(seed, n, math.radians(cfg.rotation_degrees), 1)
    zoom = 1.0 + _uniform(seed, n, cfg.scale, 2)
    shear = _uniform(seed, n, cfg.shear, 3)
    tx = _uniform(seed, n, cfg.translate_px, 4)
    ty = _uniform(seed, n, cfg.translate_px, 5)
    cos, sin = tf.cos(angle), tf.sin(angle)
    # Forward map M = rotation @ shear @ zoom; the op wants its inverse.
    m00, m01 = cos * zoom, (cos * shear - sin) * zoom
    m10, m11 = sin * zoom, (sin * shear + cos) * zoom
    det = m00 * m11 - m01 * m10
    i00, i01, i10, i11 = m11 / det, -m01 / det, -m10 / det, m00 / det
    c = (size - 1) / 2.0
    ox, oy = c + tx, c + ty  # where the centre moves to
    a2 = c - (i00 * ox + i01 * oy)
    b2 = c - (i10 * ox + i11 * oy)
    zeros = tf.zeros_like(angle)
    return tf.stack([i00, i01, a2, i10, i11, b2, zeros, zeros], axis=1)


def _vary_thickness(images, seed, cfg: AugmentConfig):
    """Blend each digit towards a dilated or eroded copy of itself."""
    n = tf.shape(images)[0]
    amount = _uniform(seed, n, cfg.thickness, 6)[:, None, None, None]
    dilated = tf.nn.max_pool2d(images, 3, 1, "SAME")
    eroded = -tf.nn.max_pool2d(-images, 3, 1, "SAME")
    target = tf.where(amount > 0, dilated, eroded)
    return images + tf.abs(amount) * (target - images)


def augment_batch(
    images: tf.Tensor, seed: tf.Tensor, cfg: AugmentConfig = AugmentConfig()
) -> tf.Tensor:
    """Distort a float batch (N, 28, 28, 1) in [0, 1].

    Args:
        seed: int32 tensor of shape [2], different for every batch.
    """
    n = tf.shape(images)[0]
    size = images.shape[1]
    transforms = _affine_transforms(seed, n, size, cfg)
    warped = tf.raw_ops.ImageProjectiveTransformV3(
        images=images,
        transforms=transforms,
        output_shape=tf.constant([size, size]),
        fill_value=0.0,
        interpolation="BILINEAR",
        fill_mode="CONSTANT",
    )
    return tf.clip_by_value(_vary_thickness(warped, seed, cfg), 0.0, 1.0)
