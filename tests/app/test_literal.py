"""No text from a link, a file or a model is ever rendered as markdown."""

import html
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from app_ui.i18n import LITERAL_LIMIT, literal, say, t
from mnist_core.errors import Message

MARKDOWN = MarkdownIt("commonmark")
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
    assert rendered(literal(text)) == (f"<p>{expected}</p>\n" if shown else "")


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
