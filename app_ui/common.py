"""What the pages share: data, models and the training queue, each loaded once."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st
from PIL import Image

from app_ui.choices import choice, keep
from app_ui.i18n import Shown, errors_shown, mark, t
from mnist_core.constants import SHIPPED_MODEL_PATH
from mnist_core.errors import MnistError
from mnist_core.models.card import ModelCard

if TYPE_CHECKING:
    from mnist_core.serving.jobs import Trainings

LOG = logging.getLogger(__name__)
SHIPPED = mark("Shipped model")  # shown through t(), in the session's language
YOURS = mark("Your model")


@dataclass(frozen=True)
class ActiveModel:
    """A model ready to predict, with what the app says about it."""

    label: str  # SHIPPED or YOURS
    model: object  # keras.Model
    classifier: object  # mnist_core.reading.classifier.Classifier
    card: ModelCard


@st.cache_resource(show_spinner=False)  # callers show a spinner in their language
def get_data():
    """The four arrays, shared read-only by every session of this server."""
    from mnist_core.data.mnist import load_mnist

    return load_mnist()


def new_writers_words(card: ModelCard) -> str | None:
    """Both yardsticks in plain words: people whose writing the model never
    saw, in the dev file's institutions (each left out) and the test file's."""
    dev = card.handwriting
    if not dev:
        return None
    text = t(
        "{accuracy:.1%} of {samples:,} digits from {insts} institutions",
        accuracy=dev["accuracy"],
        samples=dev["samples"],
        insts=len(dev.get("by_inst", {})),
    )
    test = dev.get("test")
    if test:
        text += t(
            ", {accuracy:.1%} of {samples:,} from {insts} others",
            accuracy=test["accuracy"],
            samples=test["samples"],
            insts=len(test.get("by_inst", {})),
        )
    return Shown(text)


@st.cache_resource(show_spinner=False)
def split_summary(split: str):
    """Counts, averages and intensities of a split (mnist_core.data.stats),
    computed once per server in bounded memory and shared read-only."""
    from mnist_core.data.stats import summarize_split

    data = get_data()
    return summarize_split(getattr(data, f"x_{split}"), getattr(data, f"y_{split}"))


_SHIPPED_LOCK = threading.Lock()
_shipped: ActiveModel | None = None


def get_shipped() -> ActiveModel:
    """The shipped model, loaded once per server process (the warm-up thread
    or the first page to ask, whichever comes first) and shared read-only."""
    global _shipped
    with _SHIPPED_LOCK:
        if _shipped is None:
            from mnist_core.models.storage import load_model
            from mnist_core.reading.classifier import Classifier
            from mnist_core.reading.digit_check import load_check_for

            loaded = load_model(SHIPPED_MODEL_PATH)
            card = ModelCard.from_metadata(loaded.metadata)
            check = load_check_for(SHIPPED_MODEL_PATH)
            classifier = Classifier(loaded.model, card.temperature, check)
            _shipped = ActiveModel(SHIPPED, loaded.model, classifier, card)
        return _shipped


def reader_for(model):
    """A Classifier for a model trained, taught or uploaded here: it has no
    digit check of its own, so the shipped model's answers "not a digit" for
    it (mnist_core.reading.classifier); none where no model was shipped."""
    from mnist_core.reading.classifier import Classifier

    try:
        gate = get_shipped().classifier
    except MnistError:
        gate = None
    return Classifier(model, gate=gate)


@st.cache_resource
def get_queue() -> Trainings:
    """Where this server's trainings run.

    With MNIST_RAY_ADDRESS (st.secrets or the environment) they run on that
    Ray cluster. Otherwise in this process, at most MNIST_MAX_TRAININGS at a
    time (default 1: a small shared server trains one at a time). Either way
    at most MNIST_MAX_QUEUE visitors' trainings wait or run (default 5),
    MNIST_MAX_PER_ADDRESS from one client address (default 1), and
    MNIST_MAX_CLASS_QUEUE of class pupils (default 60).
    """
    from mnist_core.serving import cluster
    from mnist_core.serving.jobs import (
        CLASS_QUEUE_ENV,
        DEFAULT_CLASS_QUEUE,
        DEFAULT_MAX_QUEUE,
        MAX_QUEUE_ENV,
        MAX_TRAININGS_ENV,
        PER_ADDRESS_ENV,
        TrainingQueue,
    )

    address = setting(cluster.RAY_ADDRESS_ENV, "").strip()
    line = int(setting(MAX_QUEUE_ENV, str(DEFAULT_MAX_QUEUE)))
    each = int(setting(PER_ADDRESS_ENV, "1"))
    pupils = int(setting(CLASS_QUEUE_ENV, str(DEFAULT_CLASS_QUEUE)))
    if address:
        cpus = setting(cluster.TRAINING_CPUS_ENV, "1")
        return cluster.ClusterTrainings(address, int(cpus), line, each, pupils)
    return TrainingQueue(int(setting(MAX_TRAININGS_ENV, "1")), line, each, pupils)


_TEACHING: list = []  # the one TeachingTurns of this process, once made
_TEACHING_LOCK = threading.Lock()


def get_teaching():
    """The turns for "Teach the model", one object per server process.

    Made by a plain function, not st.cache_resource: a client can clear that
    cache, and with it the bound. MNIST_MAX_TEACHINGS (default 1) at a time.
    """
    from mnist_core.serving.teaching import MAX_TEACHINGS_ENV, TeachingTurns

    with _TEACHING_LOCK:
        if not _TEACHING:
            _TEACHING.append(TeachingTurns(int(setting(MAX_TEACHINGS_ENV, "1"))))
        return _TEACHING[0]


def client_address() -> str:
    """Where this session connects from, for per-client shares ("" locally).

    Behind a proxy, set MNIST_TRUSTED_PROXY=1 to count the address the proxy
    saw (the last X-Forwarded-For entry); never set it without such a proxy,
    or any visitor could name an address of their choice.
    """
    return session_address(session_id())


def session_address(session_id: str) -> str:
    """The address a connected session's share counts against ("" when unknown:
    a local connection, or a session that has gone)."""
    from streamlit.runtime import Runtime

    from mnist_core.serving import clients

    try:
        context = Runtime.instance().get_client(session_id).client_context
        remote, headers = context.remote_ip, dict(context.headers)
    except Exception:  # no runtime, no such session, or a client of another kind
        return ""
    if not isinstance(remote, str):  # a client that is no websocket (AppTest's)
        return ""
    trusted = clients.trusts_proxy(setting(clients.TRUSTED_PROXY_ENV, ""))
    return clients.client_address(remote, headers, trusted)


def training_limit() -> float:
    """The cap on one training's work: st.secrets, else the environment."""
    from mnist_core.serving.limits import MAX_WORK_ENV, max_work

    return max_work(secret(MAX_WORK_ENV))


def secret(name: str):
    """An operator's setting from st.secrets, or None."""
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets.toml at all: Streamlit raises, not {}
        return None


def setting(name: str, default: str) -> str:
    """An operator's setting: st.secrets first, then the environment."""
    value = secret(name)
    return str(value) if value is not None else os.environ.get(name, default)


RESTART_KEY = "since"  # in a link: a model was made from it (link_tokens.py)
_LINK_SECRET: list[bytes] = []  # made once per process, never cleared by a client
_LINK_SECRET_LOCK = threading.Lock()


def _link_secret() -> bytes:
    from mnist_core.serving import link_tokens

    with _LINK_SECRET_LOCK:
        if not _LINK_SECRET:
            operator = setting(link_tokens.LINK_SECRET_ENV, "")
            _LINK_SECRET.append(link_tokens.deployment_secret(operator))
        return _LINK_SECRET[0]


def link_token() -> str:
    """This session's token for its link once it has made a model: one per
    session, so the address bar does not change at every rerun."""
    from mnist_core.serving.link_tokens import make_token

    if "link_token" not in st.session_state:
        st.session_state.link_token = make_token(_link_secret())
    return st.session_state.link_token


def model_left_behind() -> bool:
    """True when the link was written by this app when a model was made, and
    this session holds neither that model nor a training: it was reloaded,
    opened anew, or the server restarted. A made-up token says nothing."""
    from mnist_core.serving.link_tokens import is_genuine

    token = st.query_params.get(RESTART_KEY)
    if your_model() is not None or "job" in st.session_state:
        return False
    return is_genuine(token, _link_secret())


def data_or_stop():
    """The dataset, or a plain explanation and the end of this page's run.

    What went wrong exactly (a path, a network error) is for whoever runs the
    server: it goes to the server's log, and the page says what still works.
    """
    try:
        with st.spinner(t("Loading MNIST (once per server)…")):
            return get_data()
    except MnistError as exc:
        LOG.warning("MNIST could not be loaded: %s", exc)
        st.error(
            t(
                "This part of the app needs the MNIST digits, and this server cannot "
                "load them right now. Home and Draw (with the shipped model) still "
                "work."
            )
        )
        with st.expander(t("For whoever runs this app")):
            st.markdown(
                t(
                    "Give the server a copy of MNIST: set the environment variable "
                    "`MNIST_PATH` to an `mnist.npz` file (Keras's layout) or to a "
                    "folder with the four IDX files, then restart the app. With an "
                    "internet connection it downloads the digits by itself. The "
                    "server's log says what went wrong."
                )
            )
        st.stop()


def your_model() -> ActiveModel | None:
    """The model this session trained, taught or uploaded; a kept one is
    brought back from the store the first time a page asks for it."""
    from app_ui.kept import MODEL_WAITING

    active = st.session_state.get("your_model")
    if active is None and st.session_state.get(MODEL_WAITING):
        st.session_state[MODEL_WAITING] = False
        active = _bring_back_model()
    return active


def _bring_back_model() -> ActiveModel | None:
    from app_ui.kept import newest_model
    from mnist_core.models.storage import load_uploaded_model

    kept = newest_model()
    if kept is None:
        return None
    try:
        with st.spinner(t("Bringing back your model…")):
            model = load_uploaded_model(kept.data, "your_model.keras")
    except MnistError as exc:  # a model this app wrote: say so in the log
        LOG.warning("a kept model could not be loaded: %s", exc)
        return None
    card = ModelCard.from_metadata(kept.card)
    active = ActiveModel(YOURS, model, reader_for(model), card)
    st.session_state.your_model = active
    st.session_state.model_bytes = kept.data
    return active


MODEL_IN_USE = "model_in_use"  # SHIPPED or YOURS, the same on every page


def use_model(label: str) -> None:
    """Make SHIPPED or YOURS the model Draw and Model use, until the user picks."""
    keep(MODEL_IN_USE, label)


def choose_model() -> ActiveModel:
    """A picker between the shipped model and the one this session trained,
    taught or uploaded; the choice is the same on every page."""
    options = [SHIPPED] + ([YOURS] if your_model() else [])
    if len(options) > 1:
        picked = choice(
            st.radio,
            t("Model"),
            options,
            format_func=t,
            horizontal=True,
            key=MODEL_IN_USE,
            default=SHIPPED,
            help=t("Train a model on the Train page to compare."),
        )
    else:
        picked = SHIPPED
    if picked == YOURS:
        return your_model()
    with errors_shown(stop=True), st.spinner(t("Loading the shipped model…")):
        return get_shipped()


def enlarge(pixels: np.ndarray, size: int = 140) -> Image.Image:
    """A [0, 1] grey image (or an RGB uint8 one) as a crisp picture `size` px wide."""
    if pixels.ndim == 2:
        pixels = (np.clip(pixels, 0, 1) * 255).astype(np.uint8)
    return Image.fromarray(pixels).resize((size, size), Image.Resampling.NEAREST)


def session_id() -> str:
    """This browser session's id ("" outside a server, e.g. in AppTest)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else ""


def session_alive():
    """A callable telling whether this browser session is still connected."""
    try:
        from streamlit.runtime import get_instance
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        runtime, session_id = get_instance(), get_script_run_ctx().session_id
    except Exception:  # no server runtime (AppTest, bare scripts): assume alive
        return lambda: True
    return lambda: runtime.is_active_session(session_id)
