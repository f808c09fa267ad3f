"""The languages the app speaks: English, and one per catalog under app_ui/locales/.

A language is one record: its gettext catalog (`<code>/LC_MESSAGES/messages.po`,
made with Poedit from messages.pot) and, from Babel's CLDR data for its code,
its name, how it writes numbers and dates, and Vega's locale for its charts.
Adding a language is dropping a catalog file here; no Python changes.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.pofile import read_po
from babel.numbers import parse_pattern

LOCALES_DIR = Path(__file__).parent / "locales"
CATALOG = "LC_MESSAGES/messages.po"
SOURCE = "en"  # the language the app is written in: its msgids
SOURCE_LOCALE = "en_GB"  # CLDR's English for it: "27 November 2026", "1,024"
SPACES = str.maketrans({"\xa0": " ", "\u202f": " "})  # CLDR's no-break spaces


@dataclass(frozen=True)
class Language:
    """One language: its words (English → it) and CLDR's ways of writing."""

    code: str  # the session's key and the catalog's folder: "es", "pt_BR"
    locale: Locale  # CLDR's facts for it
    catalog: Mapping[str, str] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        """Its name in itself, as the sidebar's switch shows it: "Español"."""
        own = self.locale.get_language_name(self.locale) or self.code
        return own[:1].upper() + own[1:]

    @property
    def is_source(self) -> bool:
        return self.code == SOURCE

    @cached_property
    def symbols(self) -> dict[str, str]:
        return {
            k: v.translate(SPACES)
            for k, v in self.locale.number_symbols[
                self.locale.default_numbering_system
            ].items()
        }

    @cached_property
    def percent(self) -> tuple[str, str]:
        """What comes before and after a percentage: ("", " %") in Spanish."""
        pattern = parse_pattern(self.locale.percent_formats[None])
        sign = self.symbols["percentSign"]
        return tuple(  # type: ignore[return-value]
            part.replace("%", sign).translate(SPACES)
            for part in (pattern.prefix[0], pattern.suffix[0])
        )

    @cached_property
    def formatter(self) -> string.Formatter:
        return string.Formatter() if self.is_source else LocalNumbers(self)

    def write_number(self, text: str, format_spec: str) -> str:
        """A number Python wrote ("1,024.5", "99.52%") with this language's
        symbols ("1.024,5", "99,52 %")."""
        marks = {",": self.symbols["group"], ".": self.symbols["decimal"]}
        text = "".join(marks.get(c, c) for c in text)
        if format_spec.endswith("%") and text.endswith("%"):
            before, after = self.percent
            text = before + text[:-1] + after
        return text

    def date(self, day: dt.date) -> str:
        """A date as people write it: 27 November 2026, 27 de noviembre de 2026."""
        return format_date(day, format="long", locale=self.locale)

    @cached_property
    def vega_locale(self) -> dict | None:
        """d3's number and time locale for Vega-Lite's `config.locale`; None for
        English, which is Vega's own default."""
        if self.is_source:
            return None
        grouping = parse_pattern(self.locale.decimal_formats[None]).grouping
        months, days = self.locale.months, self.locale.days
        sunday_first = [6, 0, 1, 2, 3, 4, 5]  # CLDR counts from Monday, d3 Sunday
        return {
            "number": {
                "decimal": self.symbols["decimal"],
                "thousands": self.symbols["group"],
                "grouping": list(dict.fromkeys(grouping)),  # [3]; India's [3, 2]
                "currency": ["", ""],  # the app shows no money
                "percent": self.percent[1] or "%",
            },
            "time": {
                "dateTime": d3_pattern(str(self.locale.datetime_formats["medium"]))
                .replace("{1}", "%x")
                .replace("{0}", "%X"),
                "date": d3_pattern(self.locale.date_formats["short"].pattern),
                "time": d3_pattern(self.locale.time_formats["medium"].pattern),
                "periods": [self.locale.periods["am"], self.locale.periods["pm"]],
                "days": [days["stand-alone"]["wide"][i] for i in sunday_first],
                "shortDays": [
                    days["stand-alone"]["abbreviated"][i] for i in sunday_first
                ],
                "months": [months["stand-alone"]["wide"][m] for m in range(1, 13)],
                "shortMonths": [
                    months["stand-alone"]["abbreviated"][m] for m in range(1, 13)
                ],
            },
        }


class LocalNumbers(string.Formatter):
    """Fills a template, writing its numbers as `language` does."""

    def __init__(self, language: Language) -> None:
        self.language = language

    def format_field(self, value, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = self.language.write_number(text, format_spec)
        return text


# CLDR date-pattern fields and the d3-time-format directive for each.
D3_FIELDS = {
    "y": "%Y", "yy": "%y", "yyyy": "%Y", "M": "%-m", "MM": "%m", "MMM": "%b",
    "MMMM": "%B", "L": "%-m", "LL": "%m", "d": "%-d", "dd": "%d", "E": "%a",
    "EEE": "%a", "EEEE": "%A", "H": "%-H", "HH": "%H", "h": "%-I", "hh": "%I",
    "m": "%-M", "mm": "%M", "s": "%-S", "ss": "%S", "a": "%p",
}  # fmt: skip
CLDR_FIELD = re.compile(r"'([^']*)'|([A-Za-z])\2*")


def d3_pattern(cldr: str) -> str:
    """A CLDR date pattern ("d/M/yy", "d 'de' MMMM") as d3 writes it."""

    def one(match: re.Match) -> str:
        if match.group(1) is not None:
            return match.group(1).replace("%", "%%") or "'"
        return D3_FIELDS.get(match.group(0), "")

    return CLDR_FIELD.sub(one, cldr).translate(SPACES)


def read_catalog(path: Path) -> dict[str, str]:
    """English → translation from a .po file; fuzzy and empty entries (not yet
    translated) are left out, so the English shows instead."""
    with path.open("rb") as file:
        catalog = read_po(file)
    return {
        m.id: m.string
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def found_languages(folder: Path = LOCALES_DIR) -> dict[str, Language]:
    """English first, then every language with a catalog in `folder`."""
    languages = {SOURCE: Language(SOURCE, Locale.parse(SOURCE_LOCALE))}
    for path in sorted(folder.glob(f"*/{CATALOG}")):
        code = path.parents[1].name
        try:
            locale = Locale.parse(code)
        except (ValueError, UnknownLocaleError) as exc:
            raise ValueError(
                f"{path}: {code!r} is not a language code CLDR knows; name the"
                " folder with one, such as ca, pt or pt_BR."
            ) from exc
        languages[code] = Language(code, locale, read_catalog(path))
    return languages


LANGUAGES = found_languages()  # read once, when the app starts
