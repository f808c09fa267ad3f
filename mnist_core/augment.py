"""Random distortions of training digits: affine and elastic warps, stroke thickness.

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
    # Elastic distortion (Simard et al. 2003): a smooth random field moves each
    # pixel up to this many pixels, the wobble of a hand rather than a rigid warp.
    elastic_px: float = 1.5
    elastic_grid: int = 4  # the field's coarseness: 4x4 control points per digit


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


def elastic_warp(images, seed, cfg: AugmentConfig):
    """Move every pixel along a smooth random field, resampling bilinearly."""
    n, size = tf.shape(images)[0], images.shape[1]
    coarse = tf.random.stateless_uniform(
        [n, cfg.elastic_grid, cfg.elastic_grid, 2], seed + 7, -1.0, 1.0
    )
    field = tf.image.resize(coarse, [size, size], method="bicubic") * cfg.elastic_px
    grid = tf.cast(tf.range(size), tf.float32)
    rows = grid[None, :, None] + field[..., 0]
    cols = grid[None, None, :] + field[..., 1]
    return bilinear_sample(images[..., 0], rows, cols)[..., None]


def bilinear_sample(images, rows, cols):
    """images (N, H, W) sampled at fractional (rows, cols); zero outside."""
    size = tf.shape(images)[1]
    padded = tf.pad(images, [[0, 0], [1, 1], [1, 1]])  # zeros around the digit
    r0, c0 = tf.floor(rows), tf.floor(cols)
    fr, fc = rows - r0, cols - c0

    def pick(r, c):
        r = tf.clip_by_value(tf.cast(r, tf.int32) + 1, 0, size + 1)
        c = tf.clip_by_value(tf.cast(c, tf.int32) + 1, 0, size + 1)
        return tf.gather_nd(padded, tf.stack([r, c], axis=-1), batch_dims=1)

    top = pick(r0, c0) * (1 - fc) + pick(r0, c0 + 1) * fc
    bottom = pick(r0 + 1, c0) * (1 - fc) + pick(r0 + 1, c0 + 1) * fc
    return top * (1 - fr) + bottom * fr


def augment_batch(images, seed, cfg: AugmentConfig = AugmentConfig()):
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
    if cfg.elastic_px > 0:
        warped = elastic_warp(warped, seed, cfg)
    return tf.clip_by_value(_vary_thickness(warped, seed, cfg), 0.0, 1.0)
