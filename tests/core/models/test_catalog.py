"""The catalog's FLOPs are counted from its layers, and its layers are the
networks that `architectures` builds."""

import pytest

from mnist_core.models.catalog import (
    ARCHITECTURES,
    Conv,
    Dense,
    Pool,
    count_layer_flops,
)


def test_layer_flops_follow_the_textbook_formula():
    # 28x28x1 -> valid 3x3 conv of 4 (26x26x4) -> pool (13x13x4) -> dense 10
    conv = 26 * 26 * 4 * (2 * 3 * 3 * 1 + 1)
    dense = 2 * 13 * 13 * 4 * 10 + 10
    assert count_layer_flops((Conv(4, 3), Pool(), Dense(10))) == conv + dense


def test_same_padding_keeps_the_size_and_no_bias_drops_its_adds():
    layers = (Conv(2, 5, "same", bias=False), Dense(3, bias=False))
    assert count_layer_flops(layers) == 28 * 28 * 2 * 2 * 25 + 2 * 28 * 28 * 2 * 3


def test_the_cheaper_networks_do_the_work_their_descriptions_promise():
    recipe, fast, small = (ARCHITECTURES[n].flops for n in ("recipe", "fast", "small"))
    assert recipe == 24_043_530  # the tutorial's network, as Keras builds it
    assert fast < recipe / 3 and small < recipe / 7


def _spec_of(model) -> tuple:
    """The built model's layers that do arithmetic or pool, as catalog layers."""
    from keras import layers

    spec = []
    for layer in model.layers:
        if isinstance(layer, layers.Conv2D):
            size, other = layer.kernel_size
            assert size == other and layer.strides == (1, 1)
            spec.append(Conv(layer.filters, size, layer.padding, layer.use_bias))
        elif isinstance(layer, layers.MaxPooling2D):
            assert layer.pool_size[0] == layer.pool_size[1]
            spec.append(Pool(layer.pool_size[0]))
        elif isinstance(layer, layers.Dense):
            spec.append(Dense(layer.units, layer.use_bias))
    return tuple(spec)


@pytest.mark.slow  # builds Keras models
@pytest.mark.parametrize("name", list(ARCHITECTURES))
def test_the_catalog_lists_the_layers_of_the_built_network(name):
    from mnist_core.models.architectures import build_model, count_flops

    model = build_model(name)
    assert _spec_of(model) == ARCHITECTURES[name].layers
    assert ARCHITECTURES[name].flops == count_flops(model)
