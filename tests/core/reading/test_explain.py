"""Occlusion maps point at the pixels a model relies on."""

import numpy as np
from scipy import ndimage

from mnist_core.reading.explain import heat_overlay, occlusion_map


def left_half_model(batch):
    """A fake model: P(digit 3) is the ink in the left half of the image."""
    left = batch[:, :, :14].mean(axis=(1, 2))
    probs = np.zeros((len(batch), 10), np.float32)
    probs[:, 3] = left / max(left.max(), 1e-9)
    probs[:, 0] = 1 - probs[:, 3]
    return probs


def test_map_highlights_what_the_model_uses_and_ignores_the_rest():
    pixels = np.zeros((28, 28), np.float32)
    pixels[6:22, 6:10] = 1.0  # a stroke on the left: the model counts it
    pixels[6:22, 18:22] = 1.0  # a stroke on the right: the model ignores it
    heat = occlusion_map(left_half_model, pixels, digit=3)
    assert heat.shape == (28, 28) and heat.max() == 1.0
    assert heat[14, 8] > 0.5  # hiding the left stroke hurt the answer
    assert abs(heat[14, 21]) < 0.05  # the right stroke did not matter


def test_real_classifier_map_sits_on_the_ink(trained, small_mnist):
    from mnist_core.reading.classifier import Classifier

    classifier = Classifier(trained.model)
    pixels = small_mnist.x_test[0] / 255.0
    digit = int(classifier.probabilities(pixels[None]).argmax())
    heat = occlusion_map(classifier.probabilities, pixels, digit)
    on_ink = np.abs(heat[pixels > 0.5]).mean()
    far_away = np.abs(heat[:3, :3]).mean()  # a corner no patch with ink touches
    assert on_ink > far_away
    # Not just some heat on the ink: the hottest pixel is ink, the ink is hot
    # (the map peaks at 1), and most of the heat lies within 3 pixels of it.
    peak = np.unravel_index(np.abs(heat).argmax(), heat.shape)
    assert pixels[peak] > 0.5
    assert on_ink > 0.1
    near_ink = ndimage.binary_dilation(pixels > 0.1, iterations=3)
    assert np.abs(heat)[near_ink].sum() > 0.8 * np.abs(heat).sum()


def test_overlay_is_an_rgb_picture():
    pixels = np.zeros((28, 28), np.float32)
    heat = np.zeros((28, 28), np.float32)
    heat[0, 0], heat[0, 1] = 1.0, -1.0
    rgb = heat_overlay(pixels, heat)
    assert rgb.shape == (28, 28, 3) and rgb.dtype == np.uint8
    assert rgb[0, 0, 0] == 255 and rgb[0, 1, 2] == 255 and rgb[5, 5].max() == 0
