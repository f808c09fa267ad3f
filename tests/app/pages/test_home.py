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


def test_an_averaged_shipped_model_is_described_member_by_member(page, monkeypatch):
    from mnist_core.models import card as cards

    averaged = cards.ModelCard.from_metadata(
        {
            "architecture": "averaged",
            "test_accuracy": 0.9954,
            "params": 1233924,
            "created": "2026-12-01T16:00:00+00:00",
            "pen_digits": {"samples": 12447, "copies": 2},
            "members": [
                {"architecture": "fast", "config": {"arch": "fast", "epochs": 20}},
                {
                    "architecture": "fast",
                    "config": {"arch": "fast", "epochs": 10},
                    "pen_digits": {"samples": 12447, "copies": 2},
                },
            ],
        }
    )
    monkeypatch.setattr(cards, "read_card", lambda path: averaged)
    for locale, title, words in (
        ("en-US", "Fast CNN + Fast CNN, averaged", "learned from MNIST alone (20"),
        ("es-ES", "CNN rápida + CNN rápida, promediadas", "12.447 dígitos"),
    ):
        at = page("home", locale=locale)
        assert not at.exception
        shown = {m.label: m.value for m in at.metric}
        assert title in shown.values()
        assert words in texts(at) and "?" not in texts(at)
