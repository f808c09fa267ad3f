"""What a layer entry of config.json may say, for its weights to be countable.

Keras reads more from an entry than a kind and its sizes: a module to take the
class from, an earlier object to hand back instead, an activation that can be
a whole layer, a quantized dtype, LoRA ranks, a legacy input shape from which
a Sequential builds an input of its own. `config_count` follows only entries
free of all these; this module refuses the rest, and reads the shapes a file
declares (an InputLayer's, a Sequential's) the one way Keras reads them.
"""

from __future__ import annotations

import math

from mnist_core.models.layer_rules import MAX_NUMBERS, Shape, Unfollowable

LAYER_MODULE = "keras.layers"  # with no registered name: Keras's own class
# What a layer's settings may hold: Keras's own initializers, regularizers and
# constraints. An activation given as an object can be a whole layer
# (`activation=Dense(10**6)` is built on the first call), so names only.
SETTING_MODULES = {"keras.initializers", "keras.regularizers", "keras.constraints"}
ACTIVATIONS = {
    "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "silu",
    "swish", "mish", "sigmoid", "hard_sigmoid", "hard_silu", "hard_swish",
    "tanh", "softmax", "log_softmax", "softplus", "softsign", "exponential",
}  # fmt: skip
# Not quantized policies: those build other variables than the rules count.
FLOAT_POLICIES = {
    "float16", "bfloat16", "float32", "float64", "mixed_float16", "mixed_bfloat16"
}  # fmt: skip
# Settings that change what a layer allocates beyond what the rules count:
# a Sequential builds an input from the first three, LoRA adds kernels.
UNCOUNTED = ("input_shape", "input_dim", "batch_input_shape", "lora_rank")
INPUT_SETTINGS = {
    "batch_shape", "shape", "batch_size", "dtype", "sparse", "ragged", "name",
    "optional",
}  # fmt: skip


def check_fresh(entry: dict, name: str) -> None:
    """Refuse an entry Keras would not make afresh: a `shared_object_id` hands
    back an earlier object (built on this entry's input, uncounted), and a
    nested model's compile config builds an optimizer."""
    if "shared_object_id" in entry or entry.get("compile_config"):
        raise Unfollowable(f"layer {name!r} is shared or compiled in the file")


def check_entry(entry: dict, name: str) -> None:
    """Refuse a layer entry Keras would not make afresh from its own class."""
    check_fresh(entry, name)
    if (entry.get("module"), entry.get("registered_name")) != (LAYER_MODULE, None):
        raise Unfollowable(f"layer {name!r} is not saved as Keras's own")


def check_settings(settings: dict, name: str) -> None:
    """Refuse settings that build more than the rules count, or run a layer."""
    uncounted = [key for key in UNCOUNTED if settings.get(key) is not None]
    if uncounted or settings.get("quantization_config") is not None:
        raise Unfollowable(f"layer {name!r} sets {uncounted or 'quantization'}")
    if settings.get("data_format") not in (None, "channels_last"):
        raise Unfollowable(f"layer {name!r} is not channels_last")
    activation = settings.get("activation")
    if activation is not None and not (
        isinstance(activation, str) and activation in ACTIVATIONS
    ):
        raise Unfollowable(f"layer {name!r} has the activation {activation!r}")
    if not _float_policy(settings.get("dtype")):
        raise Unfollowable(f"layer {name!r} has the dtype {settings.get('dtype')!r}")
    stack = [value for key, value in settings.items() if key != "dtype"]
    while stack:  # not recursive: a deep config cannot exhaust the stack
        value = stack.pop()
        if isinstance(value, dict):
            if "class_name" in value and value.get("module") not in SETTING_MODULES:
                raise Unfollowable(f"layer {name!r} holds a {value['class_name']!r}")
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _float_policy(dtype) -> bool:
    if isinstance(dtype, dict):
        kind = (dtype.get("module"), dtype.get("class_name"))
        dtype = dtype["config"].get("name") if kind == ("keras", "DTypePolicy") else 0
    return dtype is None or isinstance(dtype, str) and dtype in FLOAT_POLICIES


def input_shape(settings: dict, name: str) -> Shape:
    """An InputLayer's shape, from `batch_shape` or from `shape` and `batch_size`."""
    unknown = set(settings) - INPUT_SETTINGS  # e.g. batch_input_shape, read first
    if unknown:
        raise Unfollowable(f"input {name!r} has settings {sorted(unknown)}")
    batch_shape, shape = settings.get("batch_shape"), settings.get("shape")
    if (batch_shape is None) == (shape is None):
        raise Unfollowable(f"input {name!r} gives no one shape")
    if batch_shape is None:
        if not isinstance(shape, list):
            raise Unfollowable(f"input {name!r} has the shape {shape!r}")
        batch_shape = [settings.get("batch_size"), *shape]
    elif settings.get("batch_size") is not None:
        raise Unfollowable(f"input {name!r} gives two batch sizes")
    return declared_shape(batch_shape, f"input {name!r}")


def declared_shape(value, what: str) -> Shape:
    """A shape the file declares: a batch (None or a number), then numbers."""
    if not isinstance(value, list) or not 2 <= len(value) <= 8:
        raise Unfollowable(f"{what} is {value!r}, not the shape of an image")
    batch = None if value[0] is None else _whole(value[0], what)
    return bounded((batch, *(_whole(n, what) for n in value[1:])), what)


def _whole(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Unfollowable(f"{what} has a size {value!r}, not a positive number")
    return value


def bounded(shape: Shape, what: str) -> Shape:
    """`shape`, if it holds no more numbers per image than any MNIST model."""
    if math.prod(shape[1:]) > MAX_NUMBERS:
        raise Unfollowable(f"{what} has more than {MAX_NUMBERS:,} numbers per image")
    return shape
