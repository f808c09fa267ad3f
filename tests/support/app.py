"""Reading a page under AppTest as a person would, and training from its widgets."""

import re

from tests.support.polling import finished_within


def seen(markdown: str) -> str:
    """Markdown as a person reads it: escaped punctuation shows as itself."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown))


def texts(at) -> str:
    """Every markdown, caption, info and warning on the page, as read."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.value for e in at.info] + [e.value for e in at.warning]
    return "\n".join(seen(p) for p in parts)


def run_tiny_training(at):
    """Press Start, wait (up to 2 minutes) for the training, and rerun the page."""
    at.button(key="tr_start").click().run()
    finished_within(at.session_state["job"], 120, every=0.5)
    return at.run()
