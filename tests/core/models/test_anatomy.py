"""Looking inside a model: layer table, filters, feature maps, diagram."""

import numpy as np
import pytest

from mnist_core.models.anatomy import (
    feature_maps,
    first_layer_filters,
    layer_edges,
    layer_table,
    to_dot,
)
from mnist_core.models.architectures import build_model

pytestmark = pytest.mark.slow  # builds Keras models


def test_layer_table_matches_the_model():
    model = build_model("recipe")
    table = layer_table(model)
    assert [row.name for row in table][:3] == ["image", "conv1", "conv2"]
    assert table[1].output_shape == (26, 26, 32) and table[1].params == 320
    assert sum(row.params for row in table) == model.count_params()


def test_first_layer_filters_are_images_in_unit_range():
    filters = first_layer_filters(build_model("fast"))
    assert filters.shape == (24, 5, 5)
    assert filters.min() >= 0 and filters.max() <= 1
    assert np.allclose(filters.max(axis=(1, 2)), 1)  # each filter stretched


def test_feature_maps_follow_every_conv_layer(mnist):
    maps = feature_maps(build_model("fast"), mnist.x_test[0] / 255.0)
    assert list(maps) == ["conv1_relu", "conv2_relu"]
    assert maps["conv1_relu"].shape == (28, 28, 24)
    assert maps["conv2_relu"].shape == (14, 14, 48)
    assert maps["conv1_relu"].min() >= 0  # taken after the ReLU


def test_each_maps_name_and_shape_are_the_layer_tables():
    # Issue #36: "conv1: 24 maps of 12x12" beside a table saying conv1 is
    # 24x24x24 (the maps came after the block's pooling).
    model = build_model("small")
    maps = feature_maps(model, np.zeros((28, 28), np.float32))
    for name, found in maps.items():
        assert tuple(model.get_layer(name).output.shape[1:]) == found.shape


def test_diagram_has_a_box_per_layer_in_order():
    model = build_model("recipe")
    dot = to_dot(model)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert dot.count("->") == len(model.layers) - 1
    assert "32 filters 3×3" in dot and "→ 24 × 24 × 64" in dot
    assert "drop 25%" in dot and "10 units, softmax" in dot


def test_diagram_words_go_through_the_translator_given():
    seen = []

    def say(message):
        seen.append(message.template)
        return "«" + str(message) + "»"

    dot = to_dot(build_model("fast"), say)
    assert "Conv2D: «24 filters 5×5»" in dot and "Dropout: «drop 30%»" in dot
    assert {"normalise", "{units} units, {activation}"} <= set(seen)


def test_diagram_draws_branches_as_they_are_wired():
    # Two members side by side: each starts at the picture and ends in the
    # average; neither feeds the other (a chain drawn in layer order would).
    from mnist_core.models.ensemble import average_models

    model = average_models([build_model("small"), build_model("small")])
    names = [layer.name for layer in model.layers]
    edges = {(names[a], names[b]) for a, b in layer_edges(model)}
    assert {("image", "conv1"), ("image", "member1_conv1")} <= edges
    assert {("probabilities", "average"), ("member1_probabilities", "average")} <= edges
    assert not any(a.startswith("member1_") != b.startswith("member1_")
                   for a, b in edges if "image" != a and b != "average")  # fmt: skip
    assert to_dot(model).count("->") == len(edges) == len(names)
