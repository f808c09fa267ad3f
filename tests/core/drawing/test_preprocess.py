"""Any picture of a digit becomes MNIST-like: cropped, 20 px box, centred by mass."""

import tracemalloc

import numpy as np
import pytest
from scipy import ndimage

from mnist_core.drawing import preprocess
from mnist_core.drawing.preprocess import (
    MAX_STROKE_RATIO,
    prepare_image,
    stroke_width,
    to_grey,
)
from mnist_core.drawing.strokes import render_strokes
from mnist_core.errors import EmptyImageError, MnistError
from tests.support.drawing import ONE, SEVEN


def ink_extent(pixels):
    rows = np.flatnonzero((pixels > 0.1).any(axis=1))
    cols = np.flatnonzero((pixels > 0.1).any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def shifted(strokes, dx, dy, scale=1.0):
    return [[(x * scale + dx, y * scale + dy) for x, y in s] for s in strokes]


def test_output_is_mnist_shaped_and_centred_by_mass():
    pixels = prepare_image(render_strokes(SEVEN)).pixels
    assert pixels.shape == (28, 28) and pixels.dtype == np.float32
    assert 0.0 <= pixels.min() and pixels.max() <= 1.0
    com = ndimage.center_of_mass(pixels)
    assert abs(com[0] - 14) <= 0.5 and abs(com[1] - 14) <= 0.5
    assert max(ink_extent(pixels)) in (20, 21)  # anti-aliasing may add a faint row


def test_tall_thin_digit_keeps_its_aspect():
    h, w = ink_extent(prepare_image(render_strokes(ONE, width=18)).pixels)
    assert h in (20, 21) and w <= 5  # not stretched into a square


def test_black_on_white_equals_white_on_black():
    white_on_black = render_strokes(SEVEN)
    black_on_white = 255 - white_on_black
    np.testing.assert_allclose(
        prepare_image(black_on_white).pixels,
        prepare_image(white_on_black).pixels,
        atol=1e-5,
    )


def test_ink_on_transparent_background_is_read_from_alpha():
    alpha = render_strokes(SEVEN)
    rgba = np.zeros((*alpha.shape, 4), np.uint8)  # black ink, alpha marks it
    rgba[..., 3] = alpha
    np.testing.assert_allclose(
        prepare_image(rgba).pixels, prepare_image(alpha).pixels, atol=1e-5
    )


def test_rgb_photo_like_input_works():
    grey = 255 - render_strokes(SEVEN)
    rgb = np.stack([grey, grey, grey], axis=-1)
    rgb = (rgb * 0.7 + 60).astype(np.uint8)  # grey paper, dark-grey pencil
    np.testing.assert_allclose(
        prepare_image(rgb).pixels,
        prepare_image(render_strokes(SEVEN)).pixels,
        atol=0.02,
    )


def test_position_on_the_canvas_does_not_matter():
    centred = prepare_image(render_strokes(shifted(SEVEN, 0, 0, 0.5))).pixels
    corner = prepare_image(render_strokes(shifted(SEVEN, -25, -15, 0.5))).pixels
    np.testing.assert_allclose(centred, corner, atol=1e-5)


@pytest.mark.parametrize("size, scale", [(280, 0.3), (2000, 7.0)], ids=["tiny", "huge"])
def test_tiny_and_huge_drawings_fill_the_20px_box(size, scale):
    strokes = shifted(SEVEN, 10, 10, scale)
    pixels = prepare_image(render_strokes(strokes, size=size, width=18 * scale)).pixels
    assert max(ink_extent(pixels)) in (20, 21)


def test_mnist_digit_passes_through_nearly_unchanged(mnist):
    digit = mnist.x_test[0]
    np.testing.assert_allclose(prepare_image(digit).pixels, digit / 255, atol=0.06)


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((280, 280), np.uint8),
        np.full((280, 280, 4), 255, np.uint8),
        np.full((280, 280, 3), 128, np.uint8),
    ],
    ids=["black", "white-rgba", "flat-grey"],
)
def test_empty_images_are_reported_not_classified(image):
    with pytest.raises(EmptyImageError, match="empty"):
        prepare_image(image)


def test_a_single_dot_is_not_a_digit():
    with pytest.raises(EmptyImageError, match="dot"):
        prepare_image(render_strokes([[(140, 140)]], width=18))


def test_faint_noise_alone_is_empty():
    noise = np.random.default_rng(0).integers(0, 25, (280, 280), dtype=np.uint8)
    with pytest.raises(EmptyImageError):
        prepare_image(noise)


def test_non_image_array_gets_a_clear_message():
    with pytest.raises(MnistError, match="expected greyscale"):
        prepare_image(np.zeros((5, 5, 7)))


def test_a_broad_brush_is_thinned_to_mnist_stroke_width(mnist, monkeypatch):
    broad = render_strokes(SEVEN, width=40)
    thinned = stroke_width(prepare_image(broad).pixels)
    monkeypatch.setattr(preprocess, "MAX_STROKE_RATIO", np.inf)  # no thinning
    untouched = stroke_width(prepare_image(broad).pixels)
    mnist_widths = [stroke_width(x / 255.0) for x in mnist.x_test[:200]]
    low, high = np.percentile(mnist_widths, [10, 90])
    assert untouched > high  # a 40 px brush is broader than almost all of MNIST
    assert low <= thinned <= high  # ... and thinned, it is like MNIST's digits


def test_thin_strokes_are_left_alone():
    image = render_strokes(SEVEN, width=12)
    ink = to_grey(image)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    assert stroke_width(crop) <= MAX_STROKE_RATIO * max(crop.shape)


def test_mnist_sized_images_are_never_thinned(mnist):
    # At 28 px a one-pixel erosion would cut strokes: small images pass as they are.
    for image in mnist.x_test[:200]:  # without the size guard, ~12 % would change
        np.testing.assert_array_equal(
            prepare_image(image).pixels, prepare_image(image, thin_strokes=False).pixels
        )


@pytest.mark.parametrize("side", [450, 1000, 4000])
def test_any_picture_costs_bounded_work_and_memory(side, monkeypatch):
    # A filled square is the worst case for thinning: its "stroke" is as broad
    # as the whole picture. The erosion must stay small whatever the size.
    from mnist_core.drawing.preprocess import MAX_THINNING_RADIUS, WORK_SIZE

    seen = []
    erode = ndimage.grey_erosion

    def recording(image, footprint):
        seen.append((image.shape, footprint.shape))
        return erode(image, footprint=footprint)

    monkeypatch.setattr(ndimage, "grey_erosion", recording)
    square = np.zeros((side, side), np.uint8)
    square[side // 10 : -side // 10, side // 10 : -side // 10] = 255
    tracemalloc.start()
    prepared = prepare_image(square)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert prepared.pixels.shape == (28, 28)
    assert all(max(shape) <= WORK_SIZE for shape, _ in seen)
    assert all(max(fp) <= 2 * MAX_THINNING_RADIUS + 1 for _, fp in seen)
    # 4000x4000 grey is 16 MB as bytes, 64 MB as floats: never even one float copy
    assert peak < 40 * 2**20, f"peak {peak / 2**20:.0f} MB"


# Drawings whose centre of mass lies far from the middle of their box: a 7
# with a heavy bar and a long thin tail, a 4 wide and heavy on one side, a 1
# with a long flag and a short heavy foot.
LOPSIDED = {
    "long-tailed 7": [[(40, 40), (240, 40), (240, 60), (40, 60), (40, 40)]]
    + [[(230, 50), (200, 270)]],
    "wide 4": [[(20, 40), (20, 150), (270, 150)], [(200, 40), (200, 200)]]
    + [[(20, 130), (60, 130), (60, 170), (20, 170)]] * 3,
    "tall 1": [[(140, 10), (140, 270)], [(100, 260), (180, 260)]] * 3,
}


@pytest.mark.parametrize("name", LOPSIDED)
def test_all_of_a_drawings_ink_fits_the_input(name, monkeypatch):
    # Issue #36: "What the model sees" showed a 7 whose tail ran into the
    # bottom edge. The field after centring holds all the ink of the box.
    kept = {}
    centre = preprocess._centre

    def spy(digit):
        kept["box"], kept["field"] = digit, centre(digit)
        return kept["field"]

    monkeypatch.setattr(preprocess, "_centre", spy)
    prepare_image(render_strokes(LOPSIDED[name], width=14))
    assert kept["field"].sum() == pytest.approx(kept["box"].sum(), rel=1e-6)


def test_a_lopsided_digit_is_still_centred_as_far_as_it_fits():
    heavy_top = np.zeros((20, 8), np.float32)
    heavy_top[:3] = 1.0  # a bar, and a one-pixel tail down to the bottom
    heavy_top[:, 4] = 1.0
    field = preprocess._centre(heavy_top)
    rows = np.flatnonzero(field.sum(axis=1))
    assert rows[-1] == 27 and rows[0] == 8  # moved down to the edge, no further
    assert field.sum() == heavy_top.sum()
