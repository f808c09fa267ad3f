"""No text from a link, a file or a model is ever rendered as markdown."""

import html
import string

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import app_ui.i18n
from app_ui.i18n import LITERAL_LIMIT, Shown, literal, say, t
from mnist_core.errors import Message, MnistError, Words
from mnist_core.serving.links import config_from_query, view_from_query
from mnist_core.training.config import TrainConfig
from tests.support.app import INVISIBLE, MARKDOWN, linkable, seen

PHISHING = (
    ":red[**Your session expired.**] [Sign in again](http://127.0.0.1:9999/login) "
    "![](http://127.0.0.1:9999/logo.png)"
)
HOSTILE = [
    PHISHING,
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "`code` *em* __strong__ ~~gone~~ $x^2$",
    "line one\n\n# A heading\u2028- a list",
    "[x]: http://127.0.0.1:9999/ref",
]


def rendered(markdown: str) -> str:
    return MARKDOWN.render(markdown)


PRINTABLE = st.text(
    st.sampled_from(string.ascii_letters + string.digits + string.punctuation + " ñé€"),
    max_size=LITERAL_LIMIT - 5,
)


@given(PRINTABLE)
def test_literal_text_renders_as_exactly_that_text(text):
    shown = " ".join(text.split())
    expected = html.escape(shown, quote=False).replace('"', "&quot;")
    out = rendered(literal(text)).replace(INVISIBLE, "")  # it shows nothing
    assert out == (f"<p>{expected}</p>\n" if shown else "")


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_shows_no_link_image_emphasis_or_block(text):
    out = rendered(literal(text))
    for tag in ("<a", "<img", "<strong", "<em", "<code", "<h1", "<ul", "<li"):
        assert tag not in out
    assert out.count("<p>") == 1


def test_long_text_is_cut_with_an_ellipsis():
    shown = literal("9" * 5000)
    assert len(shown) == LITERAL_LIMIT and shown.endswith("…")


def test_templates_show_foreign_values_literally_and_keep_their_own_markdown():
    out = rendered(t("**{name}**: {count} maps", name=PHISHING, count=3))
    assert out.count("<strong>") == 1  # the template's own bold, not the payload's
    assert "<a" not in out and "<img" not in out


def test_a_links_note_quotes_its_value_without_rendering_it():
    note = Message("map {text!r} is not one of {choices}: using {value}.", {})
    note = Message(
        note.template, dict(text=PHISHING, choices="PCA, t-SNE", value="PCA")
    )
    shown = t("From the link: {note}", note=say(note))
    out = rendered(shown)
    assert "<a" not in out and "<img" not in out and "<strong" not in out
    assert "Sign in again" in out and "From the link: map '" in out


PAGE_LINKS = [
    ("dataset", {"map": PHISHING}),
    ("dataset", {"split": PHISHING}),
    ("dataset", {"digit": PHISHING, "index": PHISHING}),
    ("train", {"arch": PHISHING}),
    ("train", {"epochs": PHISHING, "opt": PHISHING, "aug": PHISHING}),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "query"), PAGE_LINKS)
def test_every_echo_of_a_link_on_a_page_is_literal(page, name, query):
    at = page(name, query=query)
    assert not at.exception
    echoes = [e.value for e in (*at.info, *at.warning, *at.markdown, *at.caption)]
    echoes = [e for e in echoes if "Sign in again" in e.replace("\\", "")]
    assert echoes, "the page should say what was wrong with the link"
    for echo in echoes:
        out = rendered(echo)
        assert "<a" not in out and "<img" not in out and "<strong" not in out


# --- Web addresses: GFM links them by itself, after escapes are decoded -------
REPORTED = [
    "http://evil.example/login",
    "www.evil.example",
    "someone@evil.example",
    "HTTPS://x.y",
    "mailto:someone@evil.example",
    "xmpp:someone@evil.example",
    "At WwW.evil.example or http://www.a.b/c@d.e",
    "__SESSION-EXPIRED__",
]
FORMATTING = ("<a", "<img", "<strong", "<em", "<code", "<h1", "<ul", "<li")
ADDRESS_PIECES = st.lists(
    st.sampled_from(["http", "HTTPS", "s", ":", "//", "www", "WwW", ".", "@", "x"]),
    max_size=12,
).map("".join)


def shows_plainly(markdown: str) -> bool:
    """Nothing GFM would link, and no markdown formatting: one plain paragraph."""
    out = rendered(markdown)
    plain = not any(tag in out for tag in FORMATTING) and out.count("<p>") == 1
    return plain and not linkable(markdown)


@pytest.mark.parametrize("text", REPORTED)
def test_no_web_address_or_email_in_foreign_text_becomes_a_link(text):
    shown = literal(text)
    assert shows_plainly(shown)
    assert seen(shown) == text  # and a person reads the same text


@given(ADDRESS_PIECES)
def test_no_piece_of_a_web_address_is_left_linkable(text):
    assert linkable(literal(text)) == []


def test_the_checker_finds_what_gfm_would_link():
    # Backslashes stop markdown, not GFM's autolinks: the old literal() did this.
    assert linkable("www\\.evil\\.example") == ["www.evil.example"]
    assert linkable("map 'http\\:\\/\\/evil\\.example'") == ["http://evil.example'"]
    assert linkable("someone\\@evil\\.example") == ["someone@evil.example"]
    assert linkable("a www.b.c") and linkable("mailto:x") and not linkable("w w w")


def test_a_value_that_reads_like_the_apps_own_sentence_is_still_literal():
    # "It is now **your model** ..." is a sentence of the app; from a link or a
    # file it is someone else's text, and shows its stars.
    sentence = "It is now **your model** on the Draw and Model pages."
    note = Message("map {text!r} is not one of {choices}: using {value}.", {})
    note = Message(note.template, dict(text=sentence, choices=sentence, value=sentence))
    for shown in (t("From the link: {note}", note=say(note)), t("{x}", x=sentence)):
        assert shows_plainly(shown) and "**your model**" in seen(shown)


def test_only_the_cores_words_are_translated(monkeypatch):
    monkeypatch.setattr(app_ui.i18n, "language", lambda: "es")
    message = Message(
        "{name} {text!r} is not a number: using {value}.",
        dict(name=Words("Batch size"), text="Batch size", value=64),
    )
    assert say(message) == "Tamaño de lote 'Batch size' no es un número: se usa 64."
    # A file named like one of the app's words is a file's name: not translated.
    refusal = MnistError("Cannot read {name}: {reason}.", name="Training images",
                         reason="Batch size")  # fmt: skip
    assert say(refusal) == "No se puede leer Training images: Batch size."
    assert isinstance(t("Home"), Shown)


DATASET_LINKS = [{"map": text} for text in REPORTED] + [
    {"split": "www.evil.example", "digit": "someone@evil.example"},
    {"page": "HTTPS://x.y", "index": "http://evil.example/login"},
]
TRAIN_LINKS = [
    {"arch": "http://evil.example/login", "opt": "www.evil.example"},
    {"aug": "someone@evil.example", "epochs": "HTTPS://x.y", "seed": "www.a.b"},
]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_note_on_a_link_quotes_its_value_without_a_link(monkeypatch, language):
    monkeypatch.setattr(app_ui.i18n, "language", lambda: language)
    labels = {"train": np.arange(100) % 10, "test": np.arange(50) % 10}
    notes = [n for q in DATASET_LINKS for n in view_from_query(q, labels, 40)[1]]
    notes += [n for q in TRAIN_LINKS for n in config_from_query(q, TrainConfig())[1]]
    assert len(notes) == sum(map(len, DATASET_LINKS + TRAIN_LINKS))  # one a value
    shown = [t("From the link: {note}", note=say(note)) for note in notes]
    for note, text in zip(notes, shown, strict=True):
        assert shows_plainly(text), text
        assert seen(note.params["text"]) in seen(text)  # quoted as it was written
    if language == "es":  # the settings' names are the app's words: translated
        read = " ".join(map(seen, shown))
        assert all(w in read for w in ("Arquitectura", "Optimizador", "Semilla"))


def test_an_uploaded_files_name_is_no_link_in_the_pages_sentences():
    name = "www.evil.example.keras"
    shown = t(
        "{name}: {accuracy:.2%} right on MNIST's 10,000 test digits. It is now "
        "**your model** here and on the Draw page.",
        name=name,
        accuracy=0.9,
    )
    assert not linkable(shown) and seen(shown).startswith(name + ": 90.00% right")
