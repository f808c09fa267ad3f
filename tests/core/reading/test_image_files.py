"""Uploaded or command-line images: every bad file gets a clear message."""

import io

import numpy as np
import pytest
from PIL import Image

from mnist_core.errors import MnistError
from mnist_core.reading.image_files import MAX_BYTES, read_image


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_png_jpeg_and_greyscale_come_back_as_rgba():
    grey = Image.fromarray(np.full((30, 40), 200, np.uint8))
    for fmt in ("PNG", "JPEG"):
        buffer = io.BytesIO()
        grey.save(buffer, format=fmt)
        array = read_image(buffer.getvalue(), name=f"x.{fmt}")
        assert array.shape == (30, 40, 4) and array.dtype == np.uint8


def test_text_file_is_not_an_image():
    with pytest.raises(
        MnistError, match="notes.txt is not a picture this app can read"
    ):
        read_image(b"hello, this is text", name="notes.txt")


def test_truncated_png_is_reported():
    data = png_bytes(
        Image.fromarray(
            np.random.default_rng(0).integers(0, 255, (200, 200), dtype=np.uint8)
        )
    )
    with pytest.raises(MnistError, match="cut.png is damaged or truncated"):
        read_image(data[: len(data) // 2], name="cut.png")


def test_hundred_megapixel_png_is_refused_before_decoding():
    # 12,000 x 9,000 of one colour compresses to a tiny file: a decompression bomb.
    bomb = png_bytes(Image.new("L", (12_000, 9_000)))
    assert len(bomb) < 1_000_000
    with pytest.raises(MnistError, match="12000x9000 pixels.*Resize it first"):
        read_image(bomb, name="bomb.png")


def test_file_over_the_size_limit_is_refused():
    with pytest.raises(MnistError, match="big.png is 10.5 MB"):
        read_image(b"\x89PNG" + bytes(MAX_BYTES + 500_000 - 4), name="big.png")


def test_missing_path_is_named(tmp_path):
    with pytest.raises(MnistError, match="Cannot read .*absent.png"):
        read_image(tmp_path / "absent.png")
