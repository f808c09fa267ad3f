"""The one exception type users see: a sentence on what went wrong and what to do."""


class MnistError(Exception):
    """A problem the user can act on; its message is shown as is, never a traceback."""


class EmptyImageError(MnistError):
    """The image holds no digit to classify (blank, or only a dot)."""
