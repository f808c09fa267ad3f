"""Uploaded or command-line images: every bad file gets a clear message."""

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from mnist_core.drawing.preprocess import prepare_image
from mnist_core.errors import UPLOAD_LIMIT_MB, MnistError
from mnist_core.reading.image_files import read_image

# Starts of real formats, so that the fuzzing reaches the decoders.
HEADERS = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"BM", b"RIFF"]


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
        read_image(
            b"\x89PNG" + bytes(UPLOAD_LIMIT_MB * 2**20 + 500_000 - 4), name="big.png"
        )


def test_missing_path_is_named(tmp_path):
    with pytest.raises(MnistError, match="Cannot read .*absent.png"):
        read_image(tmp_path / "absent.png")


def seven_picture(size: int = 200) -> Image.Image:
    """A black 7 on white, as a photo or scan would be."""
    picture = Image.new("L", (size, size), 255)
    pen = ImageDraw.Draw(picture)
    pen.line([(40, 40), (160, 40), (90, 170)], fill=0, width=14)
    return picture


def test_a_sixteen_bit_png_is_read_not_blanked():
    seven = np.asarray(seven_picture(), np.uint16) * 257  # 0..65535
    buffer = io.BytesIO()
    Image.fromarray(seven).save(buffer, format="PNG")
    array = read_image(buffer.getvalue(), name="seven16.png")
    grey = array[:, :, 0]
    assert grey.min() < 10 and grey.max() > 245  # the ink survived
    assert prepare_image(array).pixels.max() > 0.9


def test_an_exif_rotated_photo_is_read_upright():
    buffer = io.BytesIO()
    upright = seven_picture()
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned; viewers rotate back
    upright.transpose(Image.Transpose.ROTATE_90).save(buffer, "JPEG", exif=exif)
    array = read_image(buffer.getvalue(), name="photo.jpg")
    assert array.shape[:2] == (200, 200)
    dark = array[:, :, 0] < 128
    # The 7's bar runs across the top once the picture is turned the way it was
    # taken (sideways, the top rows would only cross the bar's end).
    assert dark[33:47].any(axis=0).sum() > 100


def test_formats_the_uploader_does_not_list_are_not_opened():
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n"
    with pytest.raises(MnistError, match="not a picture this app can read"):
        read_image(eps, name="digit.eps")
    tiff = io.BytesIO()
    seven_picture().save(tiff, format="TIFF")
    with pytest.raises(MnistError, match="not a picture this app can read"):
        read_image(tiff.getvalue(), name="digit.tif")


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=2048)
    | st.builds(lambda head, tail: head + tail, st.sampled_from(HEADERS), st.binary())
)
def test_any_bytes_give_a_picture_or_a_plain_message(data):
    try:
        array = read_image(data, name="upload.png")
    except MnistError as exc:
        assert "Traceback" not in str(exc) and "/" not in str(exc).split(":")[0]
    else:
        assert array.ndim == 3 and array.shape[2] == 4 and array.dtype == np.uint8


def test_large_pictures_are_decoded_a_few_at_a_time(monkeypatch):
    # Issue #37: sixteen sessions decoding a 4000x4000 photo at once took the
    # server to 4.2 GB; they now take turns.
    import threading
    import time

    from mnist_core.reading import image_files

    buffer = io.BytesIO()
    Image.new("L", (1500, 1500), 255).save(buffer, "PNG")  # 2.25 MP: "large"
    data = buffer.getvalue()
    decoding, most = [0], [0]
    lock = threading.Lock()
    real = image_files._to_rgba

    def counted(image):
        with lock:
            decoding[0] += 1
            most[0] = max(most[0], decoding[0])
        time.sleep(0.05)
        try:
            return real(image)
        finally:
            with lock:
                decoding[0] -= 1

    monkeypatch.setattr(image_files, "_to_rgba", counted)
    threads = [threading.Thread(target=read_image, args=(data,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == image_files.LARGE_AT_ONCE
