"""Which language a session reads, and every text in it.

Pages write their English text inside `t(...)`; the English is the msgid of its
translation in each language's gettext catalog (app_ui/languages.py reads them),
so a page still reads as plain English. Messages from mnist_core arrive as
templates (mnist_core.errors.Message) and are translated the same way by `say`.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePath

import streamlit as st

from app_ui.languages import LANGUAGES, SOURCE, Language
from mnist_core.errors import Message, MnistError, Words
from mnist_core.models.catalog import ARCHITECTURES

KEY = "lang"  # the sidebar switch's session-state key


def browser_language() -> str:
    """The language of the browser's locale ("pt-BR" → pt_BR, else pt), if the
    app speaks it; English otherwise."""
    parts = (st.context.locale or "").replace("-", "_").split("_")
    for size in range(len(parts), 0, -1):
        for code in LANGUAGES:
            if code.lower() == "_".join(parts[:size]).lower():
                return code
    return SOURCE


def language() -> str:
    code = st.session_state.get(KEY)
    return code if code in LANGUAGES else browser_language()


def current() -> Language:
    """The session's language, as one record (catalog, numbers, dates, charts)."""
    return LANGUAGES[language()]


def mark(text: str) -> str:
    """Mark a constant for translation where it is defined (gettext's N_):
    `t()` translates it where it is shown, in the language of that moment."""
    return text


LITERAL_LIMIT = 60  # characters of someone else's text shown; the rest is "…"
PUNCTUATION = frozenset(string.punctuation)
# Streamlit's markdown (react-markdown with remark-gfm) also makes a link of any
# "www.", "http://", "https://" or e-mail address it finds in the text, and it
# looks after escapes are decoded, so no backslash can stop it. Its patterns
# (mdast-util-gfm-autolink-literal) need the marks side by side:
# /(https?:\/\/|www(?=\.))/i and /[-.\w+]+@[-\w]+/ (the parser's own pass
# also knows mailto: and xmpp:). An invisible WORD JOINER between them breaks
# every one, and a person reads the same text.
JOINER = "\u2060"
AUTOLINK = re.compile(r"(?i)(?:https?|mailto|xmpp)(?=:)|www(?=\.)|(?=@)")


class Literal(str):
    """Text written by someone else, escaped so that markdown shows it as it is.

    Every ASCII punctuation mark gets a backslash, which CommonMark (and so
    Streamlit) shows as the mark itself: no link, image, emphasis, colour or
    HTML can come out of it; a JOINER breaks what GFM would link by itself.
    `!r` in a template quotes it without escaping it twice.
    """

    def __repr__(self) -> str:
        return f"'{self}'"


def literal(text: object) -> Literal:
    """`text` (a link's value, a file or layer name) as markdown that shows it
    literally, on one line and at most LITERAL_LIMIT characters."""
    plain = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
        for c in str(text)
    )
    plain = " ".join(plain.split())
    if len(plain) > LITERAL_LIMIT:
        plain = plain[: LITERAL_LIMIT - 1] + "…"
    plain = AUTOLINK.sub(lambda match: match[0] + JOINER, plain)
    return Literal("".join("\\" + c if c in PUNCTUATION else c for c in plain))


class Shown(str):
    """A text `t` made: the app's words with any foreign text already literal.

    Only this type (and Words, which `t` translates) is trusted as the app's
    own: a value that merely reads like one of its sentences is still shown
    literally.
    """


def shown_value(value):
    """A template's value as it may appear in markdown: the app's words (Shown,
    or the core's Words, translated) as they are; any other text, a path or an
    error's message literally; numbers (formatted later) and shapes as they are."""
    if isinstance(value, Literal | Shown):
        return value
    if isinstance(value, Words):
        return t(value)
    if isinstance(value, str | PurePath | BaseException):
        return literal(value)
    return value


def t(text: str, /, **params) -> Shown:
    """`text` in the session's language, with `params` filled in (numbers
    written as that language writes them, anyone else's text shown literally)."""
    lang = current()
    translated = lang.catalog.get(text, text)
    if not params:
        return Shown(translated)
    shown = {name: shown_value(value) for name, value in params.items()}
    return Shown(lang.formatter.format(translated, **shown))


def number(value: float, spec: str = "") -> str:
    """A number alone (a metric's value) written the session's way."""
    return t("{value:" + spec + "}", value=value)


def plain_number(value: int | float) -> str:
    """A count or a setting as the page's language writes it: 20.000, 0,008.
    (st.slider's `format` is printf-style: no separators; docs/translation.md)"""
    return number(value, ",") if isinstance(value, int) else number(value, "g")


def architecture_title(name: str) -> str:
    """An architecture as users know it ("Fast CNN", "CNN rápida"); a name we
    do not know (an uploaded model's) is shown literally."""
    return t(ARCHITECTURES[name].title) if name in ARCHITECTURES else literal(name)


def model_title(card) -> str:
    """A model card's network as users know it; an averaged model names its
    members ("Fast CNN + Fast CNN, averaged")."""
    if not card.members:
        return architecture_title(card.architecture)
    names = [architecture_title(member.architecture) for member in card.members]
    return t("{networks}, averaged", networks=Shown(" + ".join(names)))


def say(message: Message | MnistError | str) -> str:
    """A message from mnist_core (or its exception) in the session's language:
    the core's Words among its values translated, any other text literal."""
    if isinstance(message, MnistError):
        message = message.message
    if isinstance(message, str):
        return t(message)
    return t(message.template, **message.params)


def date_words(iso: str | None) -> str:
    """An ISO date-time as people write the date: 27 November 2026, or in
    Spanish 27 de noviembre de 2026; "?" when there is none."""
    try:
        day = dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return "?"
    return current().date(day)


def duration_words(seconds: float) -> str:
    """A rough duration in words: about 40 seconds, about 6 minutes."""
    if seconds < 90:
        return t("about {count} seconds", count=max(5, round(seconds / 5) * 5))
    return t("about {count} minutes", count=round(seconds / 60))


def span_words(low: float, high: float) -> str:
    """A duration known to lie between `low` and `high` seconds: "about 25
    seconds" when they are close, else "between 25 seconds and 2 minutes"."""
    words = plain_duration(low), plain_duration(high)
    if high <= low * 1.25 or words[0] == words[1]:  # no range worth saying
        return duration_words((low + high) / 2)
    return t("between {low} and {high}", low=words[0], high=words[1])


def estimate_words(seconds: float, margin: float) -> str:
    """One figure and its margin, in the same unit: "about 8 minutes, give or
    take 2"; a margin under a tenth of the figure is not worth saying."""
    if seconds < 90:
        count = max(5, round(seconds / 5) * 5)
        give = round(margin / 5) * 5
    else:
        count, give = round(seconds / 60), round(margin / 60)
    if give <= 0 or margin < seconds / 10:
        return duration_words(seconds)
    if seconds < 90:
        return t(
            "about {count} seconds, give or take {margin}", count=count, margin=give
        )
    return t("about {count} minutes, give or take {margin}", count=count, margin=give)


def plain_duration(seconds: float) -> str:
    if seconds < 90:
        return t("{count} seconds", count=max(5, round(seconds / 5) * 5))
    return t("{count} minutes", count=round(seconds / 60))


@contextmanager
def errors_shown(stop: bool = False) -> Iterator[None]:
    """Run a block; a MnistError in it is shown in the session's language (and,
    with `stop`, ends the page's run there) instead of rising to Streamlit."""
    try:
        yield
    except MnistError as exc:
        st.error(say(exc))
        if stop:
            st.stop()


def language_switch() -> None:
    """The sidebar's language picker; it starts on the browser's language."""
    st.session_state.setdefault(KEY, browser_language())
    st.sidebar.radio(
        "Language · Idioma",
        list(LANGUAGES),
        format_func=lambda code: LANGUAGES[code].name,
        horizontal=True,
        key=KEY,
    )
