"""The Home page: what the app is, the shipped model, dates as people write them."""

from tests.support.app import texts


def test_home_explains_and_shows_the_shipped_model(page):
    at = page("home")
    assert not at.exception
    assert at.title[0].value == "MNIST Studio"
    accuracy = next(m for m in at.metric if m.label == "Test accuracy")
    assert accuracy.value.endswith("%") and float(accuracy.value[:-1]) > 99
    assert "convolutional neural network" in texts(at)


def test_home_writes_the_date_as_people_do(page):
    from mnist_core.constants import SHIPPED_MODEL_PATH
    from mnist_core.models.card import read_card

    created = read_card(SHIPPED_MODEL_PATH).created[:10]  # 2026-11-27
    year, month, day = (int(part) for part in created.split("-"))
    english, spanish = page("home"), page("home", locale="es-ES")
    captions = " ".join(c.value for c in english.caption)
    assert created not in captions and f"{day} " in captions and str(year) in captions
    assert " de " in " ".join(c.value for c in spanish.caption)
