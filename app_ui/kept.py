"""Your work, kept: the browser's private key, and what a session saves and
gets back (mnist_core.store holds it).

The key lives in a cookie the page sets (a tiny script, see KEY_SCRIPT):
Streamlit 1.67 reads cookies (`st.context.cookies`, from the connection's
first request) but cannot set one, and a cookie, unlike local storage,
is there on the first run after a reload, so Draw opens with your model at
once. Nobody is put in the database before they make something worth
keeping, and nothing is asked of them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from app_ui.i18n import say, t
from mnist_core.serving.attempts import Attempts
from mnist_core.store.database import StoreUnavailable
from mnist_core.store.people import DAY, KEPT_DAYS, Identity, digest, shown_code
from mnist_core.store.store import Store

if TYPE_CHECKING:
    from mnist_core.serving.jobs import TrainingJob
    from mnist_core.store.classes import Membership
    from mnist_core.store.kept_work import KeptModel

COOKIE = "mnist_studio"
IDENTITY = "kept_identity"  # this session's Identity, once known (or None)
WRITE_COOKIE = "kept_write_cookie"  # the browser does not hold the key yet
RESTORED = "kept_restored"
MODEL_WAITING = "kept_model_waiting"  # a kept model, loaded when a page needs it
ERASED = "kept_erased"  # say so once, on the run after the erasing
RUNS_SHOWN = 10  # a session shows its last few runs (the store keeps more)
LOG = logging.getLogger(__name__)

# Sets (or, with an empty value, removes) the cookie; nothing is shown.
KEY_SCRIPT = """
export default function ({ data }) {
  if (!data || !data.name) return;
  const secure = location.protocol === "https:" ? "; Secure" : "";
  const age = data.value ? data.seconds : 0;
  document.cookie = `${data.name}=${data.value}; Path=/; Max-Age=${age}` +
    `; SameSite=Strict${secure}`;
}
"""

_STORE: list[Store] = []
_STORE_LOCK = threading.Lock()
_FAILED_AT: list[float] = []
RETRY_SECONDS = 60.0  # an unreachable database is tried again after this


def get_store() -> Store | None:
    """The server's store, opened once per process; None while it cannot be
    reached (the reason is in the server's log; it is tried again later)."""
    from app_ui.common import setting
    from mnist_core.store.database import DATABASE_URL_ENV, database_url
    from mnist_core.store.kept_work import DEFAULT_STORE_MB, STORE_LIMIT_ENV
    from mnist_core.store.store import open_store

    with _STORE_LOCK:
        if _STORE:
            return _STORE[0]
        if _FAILED_AT and time.monotonic() - _FAILED_AT[0] < RETRY_SECONDS:
            return None
        try:
            url = database_url(setting(DATABASE_URL_ENV, ""))
            limit = float(setting(STORE_LIMIT_ENV, str(DEFAULT_STORE_MB)))
            _STORE.append(open_store(url, limit))
        except (StoreUnavailable, ValueError) as exc:
            LOG.warning("work cannot be kept: %s", exc)
            _FAILED_AT[:] = [time.monotonic()]
            return None
        return _STORE[0]


def identity() -> Identity | None:
    """Whose work this session is: the browser's key, looked up once."""
    if IDENTITY not in st.session_state:
        st.session_state[IDENTITY] = _from_cookie()
    return st.session_state[IDENTITY]


def _from_cookie() -> Identity | None:
    raw = st.context.cookies.get(COOKIE)
    key, _, code = (raw if isinstance(raw, str) else "").partition(".")
    store = get_store()
    if not key or store is None:
        return None
    try:
        person = store.people.by_key(key)
    except StoreUnavailable:
        return None
    return Identity(person, key, code) if person is not None else None


def ensure_identity() -> Identity | None:
    """This session's identity, made now if it had none (the browser is given
    its key); None when the store is unavailable."""
    known = identity()
    if known is not None:
        return known
    store = get_store()
    if store is None:
        return None
    try:
        known = store.people.create()
    except StoreUnavailable:
        return None
    adopt_identity(known)
    return known


def adopt_identity(known: Identity | None, hand_over: bool = True) -> None:
    """Make `known` this session's identity, and this browser's key: now, where
    the page is drawing (perhaps a fragment, which may not touch the sidebar),
    or with `hand_over` False at the start of the next run."""
    st.session_state[IDENTITY] = known
    st.session_state[WRITE_COOKIE] = True
    if hand_over:
        _mount_key()


def hand_key_to_browser() -> None:
    """Set the cookie, from the sidebar, in every run until the session ends:
    a run cut short by a rerun may never have reached the browser."""
    if st.session_state.get(WRITE_COOKIE):
        with st.sidebar:
            _mount_key()


def _mount_key() -> None:
    known = identity()
    value = f"{known.key}.{known.code}" if known else ""
    _key_component()(
        data={"name": COOKIE, "value": value, "seconds": int(KEPT_DAYS * DAY)},
        # One per value: a run may start with one key and make another.
        key=f"kept_key_{digest(value)[:12]}",
    )


@st.cache_resource
def _key_component():
    return st.components.v2.component("mnist_studio.browser_key", js=KEY_SCRIPT)


def warn_unkept(exc: StoreUnavailable) -> None:
    """Say once per session that work is not being kept, and why."""
    if not st.session_state.get("kept_warned"):
        st.session_state.kept_warned = True
        st.warning(say(exc))


def _saving(save: Callable[[Store, int], None]) -> bool:
    """Run `save(store, person)` for this session's person (made if needed);
    False, with a note on the page, when the work cannot be kept."""
    store, known = get_store(), ensure_identity()
    if store is None or known is None:
        from mnist_core.store.database import unavailable

        warn_unkept(unavailable())
        return False
    try:
        save(store, known.person)
    except StoreUnavailable as exc:
        if not _erased_elsewhere(store, known):
            warn_unkept(exc)
            return False
        st.info(
            t(
                "Your kept work was erased (perhaps from another device): what "
                "you do from now on is kept again, under a new code."
            )
        )
        adopt_identity(None, hand_over=False)
        return _saving(save)
    return True


def _erased_elsewhere(store: Store, known: Identity) -> bool:
    try:
        return not store.people.exists(known.person)
    except StoreUnavailable:
        return False


def keep_model(data: bytes, card: dict, origin: str) -> bool:
    """Keep a taught or uploaded model as this person's newest."""
    return _saving(
        lambda store, person: store.work.save_model(person, data, card, origin)
    )


def keep_corrections(pixels: list, labels: list[int]) -> bool:
    return _saving(lambda store, p: store.work.save_corrections(p, pixels, labels))


def keep_settings(query: dict[str, str]) -> bool:
    """Keep the Train page's settings (the link's parameters) when it starts."""
    return _saving(lambda store, person: store.work.save_settings(person, query))


def run_record(result) -> dict:
    """A training's row in the runs table: settings, results, its test curve."""
    history = [[e.epoch, e.val_accuracy] for e in result.history]
    return {**result.summary(), "history": history}


def job_keeper() -> Callable[[TrainingJob], None] | None:
    """What a training calls when it ends: keep its model and its run under
    this session's person, even if no page is open by then."""
    store, known = get_store(), ensure_identity()
    if store is None or known is None:
        return None
    person, member = known.person, class_membership()

    def keep(job: TrainingJob) -> None:
        from mnist_core.models.storage import model_bytes
        from mnist_core.serving.class_handwriting import measure_run

        result, model_id, full = job.result, None, None
        record = run_record(result)
        store.work.add_run(person, record)
        try:
            model_id = store.work.save_model(
                person, model_bytes(result.model), result.metadata(), "trained"
            )
        except StoreUnavailable as exc:  # no room for models: the run still counts
            full = exc
        if member is not None:  # the board shows it within seconds
            store.classes.add_run(
                member.member,
                record,
                model_id,
                measure_run(store, member.room.id, result.model),
            )
        if full is not None:
            raise full

    return keep


def class_membership() -> Membership | None:
    """The class this session's person is in now, if any."""
    store, known = get_store(), identity()
    if store is None or known is None:
        return None
    try:
        return store.classes.membership(known.person)
    except StoreUnavailable:
        return None


def newest_model() -> KeptModel | None:
    """This person's newest kept model, read from the store (one row)."""
    store, known = get_store(), identity()
    if store is None or known is None:
        return None
    try:
        return store.work.newest_model(known.person)
    except StoreUnavailable as exc:
        warn_unkept(exc)
        return None


class Presence:
    """Each person's training while it waits or runs, so that a new page of
    theirs (another tab, or this one reloaded before it stops) shows it."""

    def __init__(self) -> None:
        self._jobs: dict[int, TrainingJob] = {}
        self._lock = threading.Lock()

    def track(self, person: int, job: TrainingJob) -> None:
        with self._lock:
            self._jobs = {p: j for p, j in self._jobs.items() if not j.finished}
            self._jobs[person] = job

    def job_of(self, person: int) -> TrainingJob | None:
        """The person's training while it waits or runs."""
        with self._lock:
            job = self._jobs.get(person)
            return job if job is not None and not job.finished else None


PRESENCE = Presence()  # one per server process, like its training line


def track_job(job: TrainingJob) -> None:
    """Let this person's next session find `job` while it waits or runs."""
    known = identity()
    if known is not None:
        PRESENCE.track(known.person, job)


def restore_session() -> bool:
    """On a session's first run, put back the browser's kept work: runs,
    settings, corrections, a training still running; True when a kept model
    waits to be loaded (by the first page that needs it)."""
    if st.session_state.get(RESTORED):
        return False
    st.session_state[RESTORED] = True
    known, store = identity(), get_store()
    if known is None or store is None:
        return False
    try:
        _put_back(store, known.person)
        waiting = store.work.newest_model(known.person) is not None
    except StoreUnavailable as exc:
        warn_unkept(exc)
        return False
    st.session_state[MODEL_WAITING] = waiting
    return waiting


def _put_back(store: Store, person: int) -> None:
    from mnist_core.serving.links import config_from_query
    from mnist_core.training.config import PRESETS
    from mnist_core.training.corrections import Corrections

    runs = store.work.runs(person)
    numbered = [{"run": n, **run} for n, run in enumerate(runs, 1)]
    st.session_state.runs = numbered[-RUNS_SHOWN:]
    query = store.work.settings(person)
    if query:
        st.session_state.tr_last = config_from_query(query, PRESETS["fast"])[0]
    pixels, labels = store.work.corrections(person)
    if labels:
        st.session_state.corrections = Corrections(pixels, labels)
    job = PRESENCE.job_of(person)
    if job is not None:
        st.session_state.job = job


# Wrong codes per address (rightly typed ones never count): not guessed by trying.
CODE_MISSES = Attempts(limit=5, window=600.0)
CLASS_CODE_MISSES = Attempts(limit=10, window=600.0)
FORGETTABLE = ("your_model", "model_bytes", "runs", "corrections", "style_memory",
               "taught", "tr_last", "job", "adopted", MODEL_WAITING)  # fmt: skip


def work_panel(address: str) -> None:
    """The sidebar's "Your work": this browser's code, a code from another
    device, and a way to erase what is kept."""
    known = identity()
    if st.session_state.pop(ERASED, False):
        st.toast(t("Your work is erased from this server."))
    with st.sidebar.expander(t("Your work on other devices")):
        if known is not None:
            st.markdown(t("Your code: **{code}**", code=shown_code(known.code)))
            st.caption(
                t(
                    "Type it on another device to get your work there. Keep it to "
                    "yourself: anyone with it can open your work."
                )
            )
        else:
            st.caption(
                t(
                    "Once you train, teach or upload a model, this browser keeps "
                    "your work for {days} days after your last visit, with a code "
                    "to get it on another device.",
                    days=KEPT_DAYS,
                )
            )
        typed = st.text_input(t("A code from another device"), key="kept_typed")
        if st.button(t("Get my work here"), key="kept_join"):
            _join(typed, address)
        if known is not None and st.button(t("Erase my work"), key="kept_forget"):
            _forget(known)


def _join(typed: str, address: str) -> None:
    where = address or "local"
    if not typed.strip():
        st.error(t("Type the code your other device shows first."))
        return
    if CODE_MISSES.blocked(where):
        st.error(t("Too many codes tried from here: wait ten minutes, then try again."))
        return
    store = get_store()
    try:
        found = store.people.join_by_code(typed) if store else None
    except StoreUnavailable as exc:
        st.error(say(exc))
        return
    if found is None:
        CODE_MISSES.miss(where)
        st.error(
            t(
                "No work has this code. Check it (ten letters and digits, like "
                "ABCDE-23456) and try again."
            )
        )
        return
    _clear_work()
    adopt_identity(found, hand_over=False)  # the next run gives the browser its key
    st.session_state[RESTORED] = False  # and puts that work back
    st.rerun()


def _forget(known: Identity) -> None:
    store = get_store()
    try:
        store.people.forget(known.person)
    except (StoreUnavailable, AttributeError):
        st.error(t("Your work could not be erased right now: try again later."))
        return
    _clear_work()
    adopt_identity(None, hand_over=False)  # the next run removes the browser's key
    st.session_state[ERASED] = True
    st.rerun()


def _clear_work() -> None:
    for key in FORGETTABLE:
        st.session_state.pop(key, None)
