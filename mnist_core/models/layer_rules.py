"""What each layer kind the door knows makes of its input: a shape, and weights.

Plain arithmetic on a layer's settings from config.json and on input shapes
that `config_count` traced from the model's declared input, never on a shape
the file states. Shapes are Keras's, batch first (None or a number). Each rule
follows the layer's `build` and output shape in Keras 3, so that the weights
add up to `count_params()` (tested for every kind here).
"""

from __future__ import annotations

import math
from collections.abc import Callable

Shape = tuple[int | None, ...]
# Above this, no setting or shape (numbers per image) is one an MNIST model has.
MAX_NUMBERS = 2**31


class Unfollowable(ValueError):
    """A setting or shape the count cannot follow; the text says which."""


def _number(value, what: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Unfollowable(f"{what} is {value!r}, not a whole number")
    if not low <= value <= MAX_NUMBERS:
        raise Unfollowable(f"{what} is {value}, outside {low} to {MAX_NUMBERS:,}")
    return value


def _int(settings: dict, key: str, default=None, low: int = 1) -> int:
    return _number(settings.get(key, default), key, low)


def _pair(settings: dict, key: str, default=None, low: int = 1) -> tuple[int, int]:
    value = settings.get(key, default)
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value, value)
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise Unfollowable(f"{key} is {value!r}, not two numbers")
    return _number(value[0], key, low), _number(value[1], key, low)


def _flag(settings: dict, key: str, default: bool) -> bool:
    value = settings.get(key, default)
    if not isinstance(value, bool):
        raise Unfollowable(f"{key} is {value!r}, not true or false")
    return value


def _axis(value, rank: int) -> int:
    """A Keras axis (batch is 0) as a non-negative index of a feature axis."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not -rank < value < rank
    ):
        raise Unfollowable(f"axis {value!r} is not an axis of a {rank}-D input")
    if value % rank == 0:
        raise Unfollowable("it works along the batch axis")
    return value % rank


def _one(inputs: list[Shape], rank: int | None = None, min_rank: int = 2) -> Shape:
    if len(inputs) != 1:
        raise Unfollowable(f"it is given {len(inputs)} inputs, not one")
    shape = inputs[0]
    if len(shape) < min_rank or rank is not None and len(shape) != rank:
        needed = rank if rank is not None else f"at least {min_rank}"
        raise Unfollowable(f"its input {shape} has {len(shape)} axes, not {needed}")
    return shape


def _window(size: int, kernel: int, stride: int, dilation: int, padding: str) -> int:
    """Keras's output length of a convolution or pooling window along one axis."""
    if padding == "same":
        return (size - 1) // stride + 1
    out = (size - dilation * (kernel - 1) - 1) // stride + 1
    if out < 1:
        raise Unfollowable(f"its window of {kernel} is larger than {size}")
    return out


def _image(settings: dict, shape: Shape, kernel, strides, dilation=(1, 1)) -> Shape:
    """The batch and the height and width out of a 2-D window over `shape`."""
    padding = settings.get("padding", "valid")
    if padding not in ("valid", "same"):
        raise Unfollowable(f"padding is {padding!r}, not 'valid' or 'same'")
    batch, height, width, _ = shape
    sides = zip((height, width), kernel, strides, dilation, strict=True)
    return (batch, *(_window(*side, padding) for side in sides))


def dense(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    shape, units = _one(inputs), _int(settings, "units")
    bias = _flag(settings, "use_bias", True)
    return (*shape[:-1], units), (shape[-1] + bias) * units


def conv2d(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    shape = _one(inputs, rank=4)
    filters, groups = _int(settings, "filters"), _int(settings, "groups", 1)
    if shape[-1] % groups or filters % groups:
        raise Unfollowable(f"{shape[-1]} channels or {filters} filters in {groups}")
    kernel = _pair(settings, "kernel_size")
    strides = _pair(settings, "strides", 1)
    out = _image(settings, shape, kernel, strides, _pair(settings, "dilation_rate", 1))
    weights = kernel[0] * kernel[1] * (shape[-1] // groups) * filters
    return (*out, filters), weights + filters * _flag(settings, "use_bias", True)


def depthwise_conv2d(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    shape = _one(inputs, rank=4)
    kernel, channels = _pair(settings, "kernel_size"), shape[-1]
    channels_out = channels * _int(settings, "depth_multiplier", 1)
    strides = _pair(settings, "strides", 1)
    out = _image(settings, shape, kernel, strides, _pair(settings, "dilation_rate", 1))
    bias = _flag(settings, "use_bias", True)
    return (*out, channels_out), (kernel[0] * kernel[1] + bias) * channels_out


def separable_conv2d(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    out, depthwise = depthwise_conv2d(settings | {"use_bias": False}, inputs)
    filters = _int(settings, "filters")
    bias = _flag(settings, "use_bias", True)
    return (*out[:-1], filters), depthwise + (out[-1] + bias) * filters


def batch_normalization(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    shape = _one(inputs)
    channels = shape[_axis(settings.get("axis", -1), len(shape))]
    # gamma and beta if asked for, the moving mean and variance always.
    kept = 2 + _flag(settings, "center", True) + _flag(settings, "scale", True)
    return shape, (kept + 3 * _flag(settings, "renorm", False)) * channels


def layer_normalization(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    shape, axes = _one(inputs), settings.get("axis", -1)
    axes = axes if isinstance(axes, list) else [axes]
    size = math.prod(shape[_axis(axis, len(shape))] for axis in axes)
    rms = _flag(settings, "rms_scaling", False)
    gamma = _flag(settings, "scale", True) or rms
    beta = _flag(settings, "center", True) and not rms
    return shape, (gamma + beta) * size


def pooling2d(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    shape, pool = _one(inputs, rank=4), _pair(settings, "pool_size", 2)
    strides = settings.get("strides")
    strides = pool if strides is None else _pair(settings, "strides")
    return (*_image(settings, shape, pool, strides), shape[-1]), 0


def global_pooling2d(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    batch, *_, channels = _one(inputs, rank=4)
    if _flag(settings, "keepdims", False):
        return (batch, 1, 1, channels), 0
    return (batch, channels), 0


def flatten(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    shape = _one(inputs, min_rank=1)
    return (shape[0], math.prod(shape[1:])), 0


def reshape(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    shape, target = _one(inputs, min_rank=1), settings.get("target_shape")
    if not isinstance(target, list) or not target or target.count(-1) > 1:
        raise Unfollowable(f"target_shape is {target!r}")
    known = math.prod(_number(n, "target_shape") for n in target if n != -1)
    size = math.prod(shape[1:])
    if size % known or -1 not in target and size != known:
        raise Unfollowable(f"{size} numbers cannot take the shape {target}")
    return (shape[0], *(size // known if n == -1 else n for n in target)), 0


def permute(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    shape, dims = _one(inputs), settings.get("dims")
    if not isinstance(dims, list) or sorted(dims) != list(range(1, len(shape))):
        raise Unfollowable(f"dims {dims!r} do not reorder the axes of {shape}")
    return (shape[0], *(shape[dim] for dim in dims)), 0


def same(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    return _one(inputs, min_rank=1), 0


def same_image(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    return _one(inputs, rank=4), 0


def prelu(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    shape, shared = _one(inputs), settings.get("shared_axes")
    shared = [] if shared is None else shared if isinstance(shared, list) else [shared]
    alpha = list(shape[1:])
    for axis in shared:
        alpha[_axis(axis, len(shape)) - 1] = 1  # alpha is shared along this axis
    return shape, math.prod(alpha)


def upsampling2d(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    batch, height, width, channels = _one(inputs, rank=4)
    rows, cols = _pair(settings, "size", 2)
    return (batch, height * rows, width * cols, channels), 0


def _edges(settings: dict, key: str) -> tuple[int, int, int, int]:
    """Top, bottom, left, right from Keras's three ways of writing them."""
    value = settings.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value, value]
    if isinstance(value, list) and len(value) == 2:
        value = [side if isinstance(side, list) else [side, side] for side in value]
    if not isinstance(value, list) or any(len(side) != 2 for side in value):
        raise Unfollowable(f"{key} is {value!r}")
    return tuple(_number(n, key, low=0) for side in value for n in side)


def zero_padding2d(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    batch, height, width, channels = _one(inputs, rank=4)
    top, bottom, left, right = _edges(settings, "padding")
    return (batch, height + top + bottom, width + left + right, channels), 0


def cropping2d(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    batch, height, width, channels = _one(inputs, rank=4)
    top, bottom, left, right = _edges(settings, "cropping")
    rows, cols = height - top - bottom, width - left - right
    if rows < 1 or cols < 1:
        raise Unfollowable(f"cropping {height}x{width} leaves {rows}x{cols}")
    return (batch, rows, cols, channels), 0


def _batch(inputs: list[Shape]) -> int | None:
    batches = {shape[0] for shape in inputs}
    return batches.pop() if len(batches) == 1 else None


def _same_rank(inputs: list[Shape]) -> int:
    ranks = {len(shape) for shape in inputs}
    if not inputs or len(ranks) != 1:
        raise Unfollowable(f"it joins inputs of different ranks: {inputs}")
    return ranks.pop()


def elementwise(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    """Add, Multiply and the like: equal shapes, or 1 where one broadcasts."""
    rank, out = _same_rank(inputs), [_batch(inputs)]
    for axis in range(1, rank):
        sizes = {shape[axis] for shape in inputs} - {1}
        if len(sizes) > 1:
            raise Unfollowable(f"it joins shapes that do not match: {inputs}")
        out.append(sizes.pop() if sizes else 1)
    return tuple(out), 0


def subtract(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    if len(inputs) != 2:
        raise Unfollowable(f"it subtracts {len(inputs)} inputs, not two")
    return elementwise(settings, inputs)


def concatenate(settings: dict, inputs: list[Shape]) -> tuple[Shape, int]:
    rank = _same_rank(inputs)
    axis = _axis(settings.get("axis", -1), rank)
    rest = {shape[1:axis] + shape[axis + 1 :] for shape in inputs}
    if len(rest) != 1:
        raise Unfollowable(f"it joins shapes that differ off axis {axis}: {inputs}")
    size = sum(shape[axis] for shape in inputs)
    return (_batch(inputs), *inputs[0][1:axis], size, *inputs[0][axis + 1 :]), 0


Rule = Callable[[dict, list[Shape]], tuple[Shape, int]]
# The layer kinds the door can check, each with its rule. Any other kind (an
# Embedding, a transposed convolution, a recurrent or attention layer, a
# Lambda) is refused: what it would allocate is not counted here.
RULES: dict[str, Rule] = {
    "Dense": dense,
    "Conv2D": conv2d,
    "DepthwiseConv2D": depthwise_conv2d,
    "SeparableConv2D": separable_conv2d,
    "BatchNormalization": batch_normalization,
    "LayerNormalization": layer_normalization,
    "MaxPooling2D": pooling2d,
    "AveragePooling2D": pooling2d,
    "GlobalMaxPooling2D": global_pooling2d,
    "GlobalAveragePooling2D": global_pooling2d,
    "Flatten": flatten,
    "Reshape": reshape,
    "Permute": permute,
    "Dropout": same,
    "SpatialDropout2D": same_image,
    "GaussianNoise": same,
    "Activation": same,
    "ReLU": same,
    "LeakyReLU": same,
    "ELU": same,
    "Softmax": same,
    "PReLU": prelu,
    "Rescaling": same,
    "UpSampling2D": upsampling2d,
    "ZeroPadding2D": zero_padding2d,
    "Cropping2D": cropping2d,
    "Add": elementwise,
    "Subtract": subtract,
    "Multiply": elementwise,
    "Average": elementwise,
    "Maximum": elementwise,
    "Minimum": elementwise,
    "Concatenate": concatenate,
}
# Those called on a list of inputs; every other kind takes one.
MERGES = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"}
