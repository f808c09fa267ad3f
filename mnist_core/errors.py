"""The one exception type users see: a sentence on what went wrong and what to do.

Messages are kept as a template plus its values, so an app can show them in the
user's language (the template is the key of its translation) while the core
stays free of any UI or language choice. Values that are the core's own words
are marked `Words`; every other text among them is foreign.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class Words(str):
    """The core's own words among a message's values (a setting's label, "on"):
    an app translates them. Any other text value (a file name, a link's value)
    is someone else's, and an app shows it literally, whatever it says."""


@dataclass(frozen=True)
class Message:
    """A sentence for a person: `template.format(**params)`, in English by default."""

    template: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        # Without params the template is the text: braces in it are not fields.
        return self.template.format(**self.params) if self.params else self.template


class MnistError(Exception):
    """A problem the user can act on; its message is shown as is, never a traceback."""

    def __init__(self, template: str, **params):
        self.message = Message(template, params)
        super().__init__(str(self.message))


class EmptyImageError(MnistError):
    """The image holds no digit to classify (blank, or only a dot)."""


UPLOAD_LIMIT_MB = 10  # the one limit on any file a user hands the app


def check_file_size(name: str, size: int) -> None:
    """Refuse a file (a picture or a model) over UPLOAD_LIMIT_MB, in those words.

    Raises:
        MnistError: `size` bytes is more than the limit.
    """
    if size > UPLOAD_LIMIT_MB * 2**20:
        raise MnistError(
            "{name} is {size:.1f} MB; files up to {limit} MB are accepted.",
            name=name,
            size=size / 2**20,
            limit=UPLOAD_LIMIT_MB,
        )
