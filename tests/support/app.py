"""Reading a page under AppTest as a person would, and training from its widgets."""

import re

from markdown_it import MarkdownIt

from tests.support.polling import finished_within

INVISIBLE = "\u2060"  # the WORD JOINER literal() puts inside web addresses
MARKDOWN = MarkdownIt("commonmark")
# What Streamlit's markdown (remark-gfm) turns into links by itself: the
# patterns of mdast-util-gfm-autolink-literal, run on the text once escapes
# are decoded (JS's \w is ASCII), without the checks that would spare some.
GFM_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I | re.A)
GFM_EMAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.A)
# micromark's pass over the source itself, which also knows mailto: and xmpp:.
GFM_SOURCE = re.compile(r"https?://|www\.|mailto:|xmpp:|[-.\w+]@", re.I | re.A)


def seen(markdown: str) -> str:
    """Markdown as a person reads it: escaped punctuation shows as itself."""
    text = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown))
    return text.replace(INVISIBLE, "")


def linkable(markdown: str) -> list[str]:
    """Whatever GFM would make a link of in `markdown`: [] when nothing."""
    runs = []  # the text nodes, as mdast joins them: any other node ends one
    for token in MARKDOWN.parse(str(markdown)):
        run = ""
        for child in token.children or []:
            if child.type == "text":
                run += child.content
            else:
                runs, run = [*runs, run], ""
        runs.append(run)
    found = GFM_SOURCE.findall(str(markdown))
    for text in runs:
        found += [m[0] for m in GFM_URL.finditer(text)]
        found += [m[0] for m in GFM_EMAIL.finditer(text)]
    return found


def markdowns(at) -> list[str]:
    """The markdown of every text element on the page, as Streamlit gets it."""
    parts = [*at.markdown, *at.caption, *at.info, *at.warning, *at.error, *at.success]
    return [str(e.value) for e in parts]


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
