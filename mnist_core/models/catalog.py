"""The networks a user can pick, by name, with the words the app shows for them.

Plain data, no TensorFlow: the Train page, the settings and the server's limits
read it; the networks themselves are built in `architectures`. Each lists the
layers that do its arithmetic, and its FLOPs per image are counted from them
(a test checks the count against the built network's, `cost.measure_cost`).
"""

from __future__ import annotations

from dataclasses import dataclass

from mnist_core.constants import INPUT_SHAPE, NUM_CLASSES


@dataclass(frozen=True)
class Conv:
    """A 2-D convolution with `filters` square kernels of `size`, stride 1."""

    filters: int
    size: int
    padding: str = "valid"  # "same" keeps the picture's size, "valid" trims it
    bias: bool = True


@dataclass(frozen=True)
class Pool:
    """Max-pooling `size`x`size`: the picture shrinks, no arithmetic counted."""

    size: int = 2


@dataclass(frozen=True)
class Dense:
    """A fully connected layer of `units` on the flattened input."""

    units: int
    bias: bool = True


Layer = Conv | Pool | Dense


def count_layer_flops(layers: tuple[Layer, ...], shape=INPUT_SHAPE) -> int:
    """FLOPs of one forward pass on one image of `shape` through `layers`.

    As `cost.measure_cost` counts them: a multiply-add is 2 FLOPs, a bias add
    one; activations, normalisation, dropout and pooling add nothing.
    """
    (height, width, channels), flops = shape, 0
    for layer in layers:
        if isinstance(layer, Conv):
            if layer.padding == "valid":
                height, width = height - layer.size + 1, width - layer.size + 1
            places = height * width * layer.filters
            flops += places * (2 * layer.size**2 * channels + layer.bias)
            channels = layer.filters
        elif isinstance(layer, Pool):
            height, width = height // layer.size, width // layer.size
        else:
            inputs = height * width * channels
            flops += 2 * inputs * layer.units + layer.bias * layer.units
            height, width, channels = 1, 1, layer.units
    return flops


@dataclass(frozen=True)
class Architecture:
    """A named network the user can pick."""

    name: str
    title: str  # shown in the app
    description: str  # one plain sentence for non-programmers
    layers: tuple[Layer, ...]  # those that do arithmetic, in order, and pooling

    @property
    def flops(self) -> int:
        """Per image, forward pass (equal to architectures.count_flops; tested)."""
        return count_layer_flops(self.layers)


# The tutorial's layers, and those of the two BatchNorm networks (bias-free
# layers before a BatchNorm, which has its own shift).
RECIPE = (Conv(32, 3), Conv(64, 3), Pool(), Dense(128), Dense(NUM_CLASSES))
FAST = (
    Conv(24, 5, "same", bias=False),
    Pool(),
    Conv(48, 3, "same", bias=False),
    Pool(),
    Dense(256, bias=False),
    Dense(NUM_CLASSES),
)
SMALL = (
    Conv(24, 5, bias=False),
    Pool(),
    Conv(48, 3, bias=False),
    Pool(),
    Dense(128, bias=False),
    Dense(NUM_CLASSES),
)

ARCHITECTURES = {
    "recipe": Architecture(
        "recipe",
        "Tutorial CNN (recipe)",
        "The Keras tutorial's network: two convolutions, pooling, dropout, "
        "a dense layer of 128.",
        RECIPE,
    ),
    "fast": Architecture(
        "fast",
        "Fast CNN",
        "A leaner network with batch normalisation: a quarter of the work per "
        "image, trains several times faster and ends more accurate.",
        FAST,
    ),
    "small": Architecture(
        "small",
        "Small CNN",
        "The quickest to train: the picture shrinks early, an eighth of the "
        "tutorial network's work per image, nearly as accurate as the fast CNN.",
        SMALL,
    ),
}
