"""Messages keep their template and values, so the app can translate them."""

import pytest

from mnist_core.errors import EmptyImageError, Message, MnistError
from mnist_core.reading.image_files import read_image


def test_an_error_reads_as_english_and_keeps_its_template():
    exc = MnistError("{name} is {size:.1f} MB.", name="big.png", size=12.345)
    assert str(exc) == "big.png is 12.3 MB."
    assert exc.message == Message(
        "{name} is {size:.1f} MB.", {"name": "big.png", "size": 12.345}
    )


def test_a_message_without_values_is_its_text_even_with_braces():
    assert str(Message("keys {a} stay")) == "keys {a} stay"
    assert str(EmptyImageError("The image is empty.")) == "The image is empty."


def test_errors_raised_by_the_core_carry_their_values():
    with pytest.raises(MnistError) as caught:
        read_image(b"not an image", name="notes.txt")
    message = caught.value.message
    assert message.params == {"name": "notes.txt"}
    assert message.template.startswith("{name} is not a picture")
