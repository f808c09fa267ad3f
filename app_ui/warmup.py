"""The first visitor does not wait for TensorFlow.

Importing TensorFlow, loading the shipped model and tracing its forward pass
take several seconds, which the first drawing after a start used to pay. On a
real server they run in a background thread as soon as the first page is
served; Home, which needs none of it, renders meanwhile. Under AppTest and in
bare scripts nothing starts, so the light pages' tests still prove those pages
load no TensorFlow.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

LOG = logging.getLogger(__name__)
# A short vertical stroke: a drawing the Draw page reads (and explains) fully.
STROKE = [[(140, 50), (140, 230)]]

_started = False
_lock = threading.Lock()


def start_warmup() -> None:
    """Once per server process, warm the shipped model in the background."""
    global _started
    from streamlit import runtime

    # AppTest puts a stand-in in the runtime's place: only a real server warms.
    if not runtime.exists() or type(runtime.get_instance()) is not runtime.Runtime:
        return
    with _lock:
        if _started:
            return
        _started = True
    threading.Thread(target=warm_shipped_model, name="warm-up", daemon=True).start()


def warm_shipped_model() -> None:
    """What the first drawing does: load, read and explain one drawing."""
    try:
        from app_ui.common import get_shipped
        from mnist_core.drawing.strokes import render_strokes
        from mnist_core.reading.explain import occlusion_map

        active = get_shipped()
        drawing = np.stack([render_strokes(STROKE)] * 3, axis=-1)
        prediction = active.classifier.classify(drawing)
        occlusion_map(
            active.classifier.probabilities, prediction.pixels, prediction.digit
        )
    except Exception:  # a missing model is reported where it is used
        LOG.warning("The shipped model could not be warmed up", exc_info=True)
