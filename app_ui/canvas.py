"""The drawing canvas, with only the toolbar buttons a learner needs.

streamlit-drawable-canvas 0.13 always shows its toolbar and has no option
to change it. Two of its buttons confuse people who only want to draw: the
pencil ("Edit") switches to a mode that moves strokes instead of drawing
them, and the up-arrow ("Update the app with this drawing") does nothing
visible because the app already reads every stroke. The canvas draws inside
a shadow root that the page's CSS cannot reach, so the component is
registered again under its own name with its stylesheet plus rules that hide
those two buttons and keep undo, redo and "start again" always in view
(a phone has no hover to reveal them).
"""

import io
import logging
from pathlib import Path

import numpy as np
import streamlit as st

COMPONENT = "streamlit-drawable-canvas.streamlit_drawable_canvas"
HIDDEN_BUTTONS = ("Update the app with this drawing", "Edit")
LEARNER_CSS = "\n".join(
    [
        *(
            f'.dc-icon-button[title="{title}"] {{ display: none; }}'
            for title in HIDDEN_BUTTONS
        ),
        ".dc-toolbar-separator { display: none; }",
        # Pinned where the package shows it on hover.
        ".dc-toolbar { opacity: 1; top: -2.65rem; }",
        # Room above the canvas for the pinned toolbar.
        ".dc-root { margin-top: 2.65rem; }",
    ]
)


def package_css() -> str:
    import streamlit_drawable_canvas  # the package declares its component

    build = Path(streamlit_drawable_canvas.__file__).parent / "frontend" / "build"
    return (build / "index-style.css").read_text(encoding="utf-8")


@st.cache_resource
def _register_learner_canvas() -> None:
    # Same name, same script file, more CSS: the package's st_canvas now
    # renders with these rules. Inline CSS must contain a newline for
    # Streamlit to take it as content rather than a file name. Streamlit
    # warns in the server log about any overwrite; this one is on purpose.
    registry_log = logging.getLogger("streamlit.components.v2.component_registry")
    level = registry_log.level
    registry_log.setLevel(logging.ERROR)
    try:
        st.components.v2.component(
            COMPONENT,
            js="index-*.js",
            css=package_css() + "\n" + LEARNER_CSS + "\n",
            html='<div class="canvas-root"></div>',
            isolate_styles=True,
        )
    finally:
        registry_log.setLevel(level)


# A phone's screen may have up to ~4 device pixels per CSS pixel; a bigger
# picture was not drawn on this canvas.
MAX_PIXEL_RATIO = 4


class OversizedDrawing(ValueError):
    """The canvas sent a picture larger than the canvas itself."""


def drawing_canvas(**options):
    """st_canvas with the learner's toolbar: undo, redo, start again."""
    from streamlit_drawable_canvas import st_canvas

    _register_learner_canvas()
    return st_canvas(**options)


def drawing_pixels(result, width: int, height: int) -> np.ndarray | None:
    """The canvas's picture as an RGBA array, None when empty.

    The value comes from the browser and so from anyone: its PNG header is
    read before the picture is decoded, and a picture larger than the canvas
    (a 13,000-pixel square costs 700 MB decoded) is refused.

    Raises:
        OversizedDrawing: the picture is larger than this canvas can make.
    """
    from PIL import Image

    raw = result.image_bytes
    if not raw:
        return None
    try:
        picture = Image.open(io.BytesIO(raw), formats=["PNG"])
    except Exception as exc:  # not a PNG at all: nothing a canvas makes
        raise OversizedDrawing("not a PNG") from exc
    if picture.width > width * MAX_PIXEL_RATIO or picture.height > (
        height * MAX_PIXEL_RATIO
    ):
        raise OversizedDrawing(f"{picture.width}x{picture.height}")
    return np.asarray(picture.convert("RGBA"))
