"""What one image costs a network: its arithmetic and its largest intermediate result.

The guarded door (`model_files`) counts parameters and bytes; a network can be
small in both and still costly to run: `UpSampling2D(8)` then a 32-filter
convolution is 650 parameters and 6 MB of numbers per image; twenty 64-filter
convolutions on an upsampled digit are 700 k parameters and 4 GFLOP per image.
So a loaded model is measured from its graph (every call of every layer, shapes
only, nothing run) and refused beyond a few times the biggest shipped network,
before its first prediction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import keras
from keras import layers

from mnist_core.errors import MnistError
from mnist_core.models.catalog import ARCHITECTURES

# The biggest shipped network (recipe) does 24 MFLOP per image and its largest
# result is 24x24x64 = 36,864 numbers; four times each leaves room for a
# visitor's own ideas, not for a network that holds the server.
MAX_WORK = 4 * max(arch.flops for arch in ARCHITECTURES.values())
MAX_RESULT = 4 * 24 * 24 * 64
# Evaluation runs this many bytes of intermediate results at most per batch.
BATCH_MEMORY = 64 * 2**20
RESULT_COPIES = 2  # a layer's input and output are alive together
# Layers whose work is about one operation per number they read or write.
CHEAP = (
    layers.InputLayer,
    layers.Activation,
    layers.ReLU,
    layers.LeakyReLU,
    layers.Softmax,
    layers.ELU,
    layers.PReLU,
    layers.Dropout,
    layers.Flatten,
    layers.Reshape,
    layers.Permute,
    layers.Rescaling,
    layers.BatchNormalization,
    layers.LayerNormalization,
    layers.MaxPooling2D,
    layers.AveragePooling2D,
    layers.GlobalMaxPooling2D,
    layers.GlobalAveragePooling2D,
    layers.UpSampling2D,
    layers.ZeroPadding2D,
    layers.Cropping2D,
    layers.Add,
    layers.Subtract,
    layers.Multiply,
    layers.Average,
    layers.Maximum,
    layers.Minimum,
    layers.Concatenate,
    layers.GaussianNoise,
    layers.SpatialDropout2D,
)


@dataclass(frozen=True)
class ModelCost:
    """What one forward pass on one image costs."""

    flops: int  # multiply-adds of the weighted layers, 2 FLOPs each
    values: int  # numbers all layers write together
    largest: int  # numbers in the largest single intermediate result

    @property
    def work(self) -> int:
        """FLOPs plus one operation per number written: what is bounded."""
        return self.flops + self.values


def measure_cost(model: keras.Model) -> ModelCost:
    """Add up every layer call in `model`'s graph (nested models included),
    from shapes alone: nothing is run.

    Raises:
        MnistError: the graph cannot be read (not a functional model) or a
            shape is unknown, so its cost cannot be told.
    """
    flops = values = largest = 0
    for node in _nodes(model):
        op = node.operation
        if _graph(op) is not None:  # a nested model: its own layers count
            inner = measure_cost(op)
            flops, values = flops + inner.flops, values + inner.values
            largest = max(largest, inner.largest)
            continue
        outputs = [_size(t.shape) for t in node.output_tensors]
        flops += _node_flops(op, node)
        values += _node_values(op, node, sum(outputs))
        largest = max([largest, *outputs, *_hidden(op, node)])
    return ModelCost(int(flops), int(values), int(largest))


def check_cost(model: keras.Model, name: str) -> ModelCost:
    """Refuse a model whose work or largest intermediate result per image is
    beyond MAX_WORK or MAX_RESULT.

    Raises:
        MnistError: in words that say which, and what to do.
    """
    cost = measure_cost(model)
    if cost.largest > MAX_RESULT:
        raise MnistError(
            "{name} makes an intermediate result of {values:,} numbers for each "
            "digit; this app runs models of up to {limit:,} (the tutorial's "
            "network needs 36,864), so a shared server keeps memory for everyone. "
            "Shrink the picture sooner (pooling, strides) or use fewer filters. "
            "It was not run.",
            name=name,
            values=cost.largest,
            limit=MAX_RESULT,
        )
    if cost.work > MAX_WORK:
        raise MnistError(
            "{name} needs {work:,.0f} million operations for each digit; this app "
            "runs models of up to {limit:,.0f} million (the tutorial's network "
            "needs 24), so a shared server stays quick for everyone. Use fewer "
            "or smaller layers. It was not run.",
            name=name,
            work=cost.work / 1e6,
            limit=MAX_WORK / 1e6,
        )
    return cost


def batch_size(cost: ModelCost, most: int) -> int:
    """How many images to run at once so a batch's intermediate results stay
    under BATCH_MEMORY (float32), at most `most`, at least one."""
    per_image = 4 * RESULT_COPIES * max(cost.largest, 1)
    return max(1, min(most, BATCH_MEMORY // per_image))


def _graph(op):
    """The graph of a functional or Sequential model, None for a plain layer."""
    if hasattr(op, "_nodes_by_depth"):
        return op
    functional = getattr(op, "_functional", None)  # Sequential wraps one
    return functional if hasattr(functional, "_nodes_by_depth") else None


def _nodes(model):
    graph = _graph(model)
    if graph is None:
        raise _unknown(model.name)
    for depth in sorted(graph._nodes_by_depth, reverse=True):
        yield from graph._nodes_by_depth[depth]


def _size(shape) -> int:
    """Numbers in one image's share of a tensor of `shape` (batch axis off)."""
    dims = tuple(shape)[1:]
    if any(d is None for d in dims):
        raise _unknown(str(shape))
    return math.prod(dims)


def _positions(shape) -> int:
    """The places a kernel is applied at: all axes but the batch and channels."""
    return math.prod(tuple(shape)[1:-1])


def _node_values(op, node, written: int) -> int:
    """One operation per number written; cheap layers also pay for what they
    read (a pooling window), and an unknown weightless operation (a dot
    product, say) pays for each number it writes once per number of its
    widest input axis."""
    inputs = [_size(t.shape) for t in node.input_tensors]
    if isinstance(op, CHEAP):
        return written + sum(inputs)
    if not op.weights:
        widest = max([1, *(t.shape[-1] or 1 for t in node.input_tensors)])
        return written * widest
    return written


def _node_flops(op, node) -> int:
    out_shape = node.output_tensors[0].shape
    in_shape = node.input_tensors[0].shape if node.input_tensors else out_shape
    if type(op) is layers.Conv2D:
        kh, kw = op.kernel_size
        c_in = in_shape[-1] // op.groups
        h, w, c_out = out_shape[1:]
        bias = h * w * c_out if op.use_bias else 0
        return 2 * h * w * c_out * kh * kw * c_in + bias
    if type(op) is layers.Dense:
        bias = op.units if op.use_bias else 0
        return (2 * in_shape[-1] * op.units + bias) * _positions(out_shape)
    if isinstance(op, CHEAP) or not op.weights:
        return 0
    # Any other weighted layer (other convolutions, recurrent, attention):
    # each weight is used once per place it is applied at.
    weights = sum(math.prod(w.shape) for w in op.weights)
    flops = 2 * weights * max(_positions(in_shape), _positions(out_shape), 1)
    # Attention also multiplies queries by keys, then scores by values.
    return flops + 4 * getattr(op, "_key_dim", 1) * sum(_hidden(op, node))


def _hidden(op, node) -> list[int]:
    """Results a layer makes inside itself: attention's score matrix."""
    if isinstance(op, layers.MultiHeadAttention) and len(node.input_tensors) >= 2:
        query, key = node.input_tensors[0].shape, node.input_tensors[1].shape
        return [op.num_heads * _positions(query) * _positions(key)]
    return []


def _unknown(what: str) -> MnistError:
    return MnistError(
        "The cost of running {what} cannot be told from its layers, so it was "
        "not run. Use a functional or Sequential Keras model with fixed "
        "28×28×1 inputs.",
        what=what,
    )
