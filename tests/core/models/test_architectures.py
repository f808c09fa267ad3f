"""The recipe is the tutorial's network; FLOPs and parameters are counted right."""

import pytest

from mnist_core.errors import MnistError
from mnist_core.models.architectures import build_model, count_flops, summarize

pytestmark = pytest.mark.slow  # builds Keras models


def test_recipe_is_the_tutorial_network_layer_by_layer():
    model = build_model("recipe")
    kinds = [type(layer).__name__ for layer in model.layers[1:]]
    assert kinds == [
        "Conv2D",
        "Conv2D",
        "MaxPooling2D",
        "Dropout",
        "Flatten",
        "Dense",
        "Dropout",
        "Dense",
    ]
    conv1, conv2 = model.layers[1], model.layers[2]
    assert (conv1.filters, conv1.kernel_size) == (32, (3, 3))
    assert (conv2.filters, conv2.kernel_size) == (64, (3, 3))
    assert [model.layers[4].rate, model.layers[7].rate] == [0.25, 0.5]
    assert model.layers[6].units == 128
    assert model.output_shape == (None, 10)
    # The tutorial's model.summary() reports 1,199,882 trainable parameters.
    assert model.count_params() == 1_199_882


def test_flops_follow_the_textbook_formula():
    # conv: 2*H*W*Cout*k*k*Cin + bias adds; dense: 2*in*out + bias adds
    conv1 = 2 * 26 * 26 * 32 * 9 * 1 + 26 * 26 * 32
    conv2 = 2 * 24 * 24 * 64 * 9 * 32 + 24 * 24 * 64
    dense = 2 * 9216 * 128 + 128
    out = 2 * 128 * 10 + 10
    assert count_flops(build_model("recipe")) == conv1 + conv2 + dense + out


def test_fast_model_does_a_fraction_of_the_recipes_work():
    recipe, fast = summarize(build_model("recipe")), summarize(build_model("fast"))
    assert fast.flops < recipe.flops / 3
    assert fast.params < recipe.params
    assert build_model("fast").output_shape == (None, 10)


def test_small_model_is_the_cheapest():
    # The fast preset's network: 99.3 % in ~30 s needs ~10 s per epoch here.
    small, fast = summarize(build_model("small")), summarize(build_model("fast"))
    recipe = summarize(build_model("recipe"))
    assert small.flops < fast.flops / 2 and small.flops < recipe.flops / 7
    assert build_model("small").output_shape == (None, 10)


def test_unknown_architecture_lists_the_choices():
    with pytest.raises(MnistError, match="choose one of recipe, fast"):
        build_model("resnet")
