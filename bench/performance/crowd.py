"""Issue #30's hostile paths on a fresh server: RSS before, at peak, after.

Each path runs against its own new `streamlit run`; "after" is once its
clients have left.

    python -m bench.performance.crowd              # every path, a fresh server each
    python -m bench.performance.crowd --only a c   # some of them
    python -m bench.performance.crowd --url http://127.0.0.1:8501 --only b
    python -m bench.performance.crowd --only e --no-clear  # e's control: the queue
    python -m bench.performance.crowd --only g --rounds 3 --settle 120  # kept?

`--url` drives a server already running; `python bench/crowd.py` is the same.

Paths (letters as in docs/crowd.md; h-k are issue #37's):
  a  30 sessions open Dataset at once
  b  one client sends reruns of Dataset for --seconds without reading a reply
  c  60 files of 10 MB PUT to /_stcore/upload_file/<session>/<id>, 4 at a time
  d  a 13000x13000 PNG data URL as the Draw canvas's value
  e  Streamlit's hidden clear_cache message before each of 3 Starts on Train
  f  20 sessions press Start on Train; a 21st reads its place in line
  g  5 sessions upload a model, draw, correct, Teach, open the t-SNE map, leave
  h  a 14 KB model file whose config describes a 784 x 1,000,000 Dense layer
  i  20 sessions each send a 20 MB canvas value (a 7 and 4,127 strokes)
  j  5 sessions of one address PUT 2 x 10 MB each; a visitor then uploads 5 MB
  k  16 sessions of one address rerun Draw with a 4000x4000 photo; a visitor
     draws 20 times, every half second (alone first, then among them), and
     times each answer

j and k run their server with MNIST_TRUSTED_PROXY=1 and give each client an
X-Forwarded-For address, as a proxy in front would.

Each client is a websocket speaking Streamlit's protocol (bench/performance/ws_user.py).
The server's RSS (VmRSS of the process and all its children) is sampled every
0.2 s from /proc: "before" after a warm-up visit to Draw, "peak" while the
path runs, "after" --settle seconds after its clients have gone. Each path
prints one JSON line (with what the clients saw: refused uploads, queue
places, trainings at once), then a table. A server past --max-rss is killed
and the path says so. Without --url each path gets its own `streamlit run`;
with --url the server already running there is measured (found by its port).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import http.client
import json
import os
import struct
import subprocess
import threading
import time
import urllib.request
import zlib
from pathlib import Path

import numpy as np
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import UploadedFileInfo
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.performance.load import Tally, most_at_once, trainer
from bench.performance.ws_user import MAX_MESSAGE, StreamlitUser, canvas_state, click
from tests.support.servers import (
    free_port,
    start_streamlit,
    wait_healthy,
)

ROOT = Path(__file__).resolve().parents[2]

UPLOAD_BYTES = 10 * 1024 * 1024 - 4096  # just under the app's 10 MB a file
TRAINING = "epochs=1&size=1000"
# Long enough (~15 s alone) that trainings let through together overlap.
LONGER_TRAINING = "epochs=2&size=12000"


class RssWatch:
    """Peak VmRSS (MB) of a process and its descendants, every 0.2 s."""

    def __init__(self, pid: int, cap_mb: float) -> None:
        self.pid, self.cap_mb = pid, cap_mb
        self.peak = 0.0
        self.capped = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> float:
        children: dict[int, list[int]] = {}
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(proc.name))
        total, todo = 0.0, [self.pid]
        while todo:
            pid = todo.pop()
            todo += children.get(pid, [])
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) / 1024
            except OSError:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, self.now())
            if self.peak > self.cap_mb and not self.capped:
                self.capped = True
                self.capped_at = time.monotonic()
                os.kill(self.pid, 9)  # this machine is shared: never past the cap

    def __enter__(self) -> RssWatch:
        self.peak = self.now()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def server_pid(url: str) -> int:
    """The `streamlit run` process serving `url` on this machine."""
    port = url.rstrip("/").rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(command) and port.encode() in command:
            return int(proc.name)
    raise SystemExit(f"no streamlit process on this machine serves {url}")


# ---- the paths: each returns what its clients saw -------------------------


async def dataset_crowd(url: str, args) -> dict:
    async def visit() -> str:
        async with StreamlitUser(url, "dataset") as user:
            screen = await user.run()
            return "exception" if screen.exceptions else "ok"

    outcomes = await asyncio.gather(
        *(visit() for _ in range(30)), return_exceptions=True
    )
    return {"sessions": 30, "pages_shown": outcomes.count("ok")}


async def unread_reruns(url: str, args) -> dict:
    async with StreamlitUser(url, "dataset") as user:
        pass  # only for its cookie
    socket = await websockets.connect(
        url.replace("http", "ws", 1) + "/_stcore/stream",
        subprotocols=["streamlit"],
        origin=url,
        max_size=MAX_MESSAGE,
        max_queue=1,  # stop reading at once: the replies pile up server-side
        additional_headers={"Cookie": user.cookie},
    )
    message = BackMsg()
    message.rerun_script.page_name = "dataset"
    sent, end = 0, time.monotonic() + args.seconds
    while time.monotonic() < end:
        await asyncio.wait_for(socket.send(message.SerializeToString()), 5)
        sent += 1
        await asyncio.sleep(0.2)
    socket.transport.abort()  # gone without a goodbye
    return {"reruns_sent": sent, "seconds": args.seconds}


def put_upload(url: str, cookie: str, session: str, number: int, body: bytes) -> int:
    host, port = url.split("//")[1].rstrip("/").split(":")
    xsrf = next(
        (
            c.split("=", 1)[1]
            for c in cookie.split("; ")
            if c.startswith("_streamlit_xsrf")
        ),
        "",
    )
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request(
            "PUT",
            f"/_stcore/upload_file/{session}/crowd-{number}",
            body=body,
            headers={
                "Cookie": cookie,
                "X-Xsrftoken": xsrf,
                "Content-Type": "multipart/form-data; boundary=crowdcrowd",
            },
        )
        reply = connection.getresponse()
        reply.read()
        return reply.status
    except OSError:
        return 0
    finally:
        connection.close()


def multipart(data: bytes, name: str = "digits.png") -> bytes:
    head = (
        "--crowdcrowd\r\nContent-Disposition: form-data; "
        f'name="file"; filename="{name}"\r\nContent-Type: image/png\r\n\r\n'
    ).encode()
    return head + data + b"\r\n--crowdcrowd--\r\n"


def xsrf_cookie(url: str, cookie: str) -> str:
    """The browser's cookies plus Streamlit's XSRF cookie (set by /_stcore/health)."""
    request = urllib.request.Request(
        f"{url}/_stcore/health", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        extra = [c.split(";", 1)[0] for c in reply.headers.get_all("Set-Cookie") or []]
    return "; ".join([c for c in [cookie, *extra] if c])


async def upload_flood(url: str, args) -> dict:
    body = multipart(os.urandom(UPLOAD_BYTES))
    async with StreamlitUser(url, "draw") as user:
        await user.run()
        cookie = await asyncio.to_thread(xsrf_cookie, url, user.cookie)
        limit = asyncio.Semaphore(4)

        async def one(number: int) -> int:
            async with limit:
                return await asyncio.to_thread(
                    put_upload, url, cookie, user.session_id, number, body
                )

        start = time.monotonic()
        statuses = await asyncio.gather(*(one(n) for n in range(60)))
        took = time.monotonic() - start
    accepted = sum(200 <= s < 300 for s in statuses)
    return {
        "files": 60,
        "accepted": accepted,
        "refused": {
            str(s): statuses.count(s) for s in set(statuses) if s >= 300 or s == 0
        },
        "seconds": round(took, 1),
    }


def big_png(side: int) -> bytes:
    """An all-transparent side x side RGBA PNG, made row by row (a few MB of
    this process, not side² x 4 bytes)."""
    squeeze = zlib.compressobj(9)
    row = b"\0" * (1 + 4 * side)  # filter byte + RGBA pixels
    data = b"".join(squeeze.compress(row) for _ in range(side)) + squeeze.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", data)
        + chunk(b"IEND", b"")
    )


async def huge_canvas(url: str, args) -> dict:
    png = big_png(13000)
    data_url = "data:image/png;base64," + base64.b64encode(png).decode()
    async with StreamlitUser(url, "draw") as user:
        canvas = (await user.run()).widget_id("bidi_component", "canvas")
        drawing = {
            "raw": {"version": "5.3.0", "objects": [{"type": "path"}]},
            "data": data_url,
        }
        value = WidgetState(id=canvas, json_value=json.dumps({"drawing": drawing}))
        start = time.monotonic()
        screen = await asyncio.wait_for(user.run([value]), args.limit)
    return {
        "png_kb": len(png) // 1024,
        "sent_kb": len(data_url) // 1024,
        "answered_s": round(time.monotonic() - start, 1),
        "errors_shown": len(screen.errors()) + len(screen.exceptions),
    }


async def clear_cache(url: str) -> None:
    async with StreamlitUser(url, "") as user:
        await user.run()
        message = BackMsg()
        message.clear_cache = True
        await user.socket.send(message.SerializeToString())
        await asyncio.sleep(0.5)  # the server handles it before the goodbye


async def cleared_queue(url: str, args) -> dict:
    tally = Tally(0, [], [])
    trainers = []
    for _ in range(3):
        if not args.no_clear:
            await clear_cache(url)
        trainers.append(asyncio.create_task(trainer(url, tally, LONGER_TRAINING)))
        await asyncio.sleep(2)  # its Start reached the queue
    await asyncio.wait_for(asyncio.gather(*trainers), args.limit)
    return {
        "trainings": 3,
        "clear_cache_sent": not args.no_clear,
        "finished": tally.finished,
        "most_running_at_once": most_at_once(tally.served),
        "queue_places_seen": sorted(set(tally.positions)),
        "errors": sorted(set(tally.errors))[:3],
    }


async def press_start(url: str, hold: asyncio.Event, places: list) -> None:
    async with StreamlitUser(url, "train", TRAINING) as user:
        start = (await user.run()).widget_id("button", "Start")
        screen = await user.run([click(start)])
        texts = " ".join(screen.texts())
        place = None
        if "You are number" in texts:
            place = int(texts.split("You are number")[1].split()[0])
        places.append(place)
        await hold.wait()  # everyone leaves together


async def start_crowd(url: str, args) -> dict:
    hold, places, last = asyncio.Event(), [], []
    crowd = [asyncio.create_task(press_start(url, hold, places)) for _ in range(20)]
    while len(places) < 20 and not all(t.done() for t in crowd):
        await asyncio.sleep(0.2)
    visitor = asyncio.create_task(press_start(url, hold, last))
    while not last and not visitor.done():
        await asyncio.sleep(0.2)
    hold.set()
    await asyncio.gather(*crowd, visitor, return_exceptions=True)
    return {
        "sessions": 20,
        "pressed": len(places),
        "largest_place": max((p for p in places if p), default=0),
        "next_visitor_reads_place": last[0] if last else None,
    }


def stroke() -> np.ndarray:
    """A 280x280 RGBA canvas with one white vertical stroke (a 1)."""
    canvas = np.zeros((280, 280, 4), np.uint8)
    canvas[..., 3] = 255
    canvas[60:220, 130:150, :3] = 255
    return canvas


def shows(screen, text: str) -> bool:
    """Whether an alert, caption or markdown of this run holds `text`."""
    bodies = [e.alert.body for e in screen.of("alert")]
    bodies += [e.markdown.body for e in screen.of("markdown")]
    return any(text in body for body in bodies)


async def full_visit(url: str, number: int, done: dict) -> list[str]:
    """Upload a model, draw, correct, Teach, open the t-SNE map; what went wrong
    (and, in `done`, each step the page confirmed)."""
    problems: list[str] = []
    model = (ROOT / "models" / "mnist_cnn.keras").read_bytes()
    async with StreamlitUser(url, "model") as user:
        uploader = (await user.run()).widget_id("file_uploader", "Your own model")
        cookie = await asyncio.to_thread(xsrf_cookie, url, user.cookie)
        status = await asyncio.to_thread(
            put_upload,
            url,
            cookie,
            user.session_id,
            number,
            multipart(model, "m.keras"),
        )
        info = UploadedFileInfo(
            file_id=f"crowd-{number}", name="m.keras", size=len(model)
        )
        state = WidgetState(id=uploader)
        state.file_uploader_state_value.uploaded_file_info.append(info)
        screen = await user.run([state])
        if status != 204 or screen.exceptions:
            problems.append(f"upload {status} {screen.exceptions[:1]}")
        done["uploaded"] += shows(screen, "right on MNIST")
        user.page = "draw"
        canvas = (await user.run()).widget_id("bidi_component", "canvas")
        drawn = canvas_state(canvas, stroke())
        screen = await user.run([drawn])
        choose = WidgetState(
            id=screen.widget_id("selectbox", "wrong"), string_value="7"
        )
        screen = await user.run([drawn, choose])
        add = screen.widget_id("button", "Add correction")
        screen = await user.run([drawn, choose, click(add)])
        done["corrected"] += shows(screen, "Your corrections") or bool(
            [e for e in screen.of("heading") if "corrections" in e.heading.body]
        )
        teach = screen.widget_id("button", "Teach the model")
        if teach is None:
            problems.append("no Teach button")
        else:
            screen = await user.run([drawn, choose, click(teach)])
            problems += screen.exceptions[:1]
            done["taught"] += shows(screen, "taught copy")
        user.page, user.query = "dataset", "map=t-SNE"
        screen = await user.run()
        problems += screen.exceptions[:1]
        done["t-SNE map"] += shows(screen, "2,000 random digits")
    return problems


async def full_visits(url: str, args) -> dict:
    done = dict.fromkeys(["uploaded", "corrected", "taught", "t-SNE map"], 0)
    found = await asyncio.gather(
        *(full_visit(url, n, done) for n in range(5)), return_exceptions=True
    )
    problems = [str(p)[:80] for p in found if not isinstance(p, list)]
    problems += [q for p in found if isinstance(p, list) for q in p]
    return {"sessions": 5, "confirmed": done, "problems": problems[:5]}


def forged_model() -> bytes:
    """Issue #37: a small Dense model saved, then its config says 1,000,000
    units and forgets the built shapes (the weights file stays 3,190 numbers)."""
    import io
    import zipfile

    import keras

    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Dense(4)(keras.layers.Flatten()(inputs))
    model = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))
    from keras.src.saving import saving_lib

    saved = io.BytesIO()

    saving_lib.save_model(model, saved)
    with zipfile.ZipFile(io.BytesIO(saved.getvalue())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    for layer in config["config"]["layers"]:
        if layer["class_name"] == "Dense":
            layer.pop("build_config", None)
            if layer["config"]["units"] == 4:
                layer["config"]["units"] = 1_000_000
    members["config.json"] = json.dumps(config).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


async def upload_to(user, uploader: str, number: int, data: bytes, name: str):
    """PUT a file as the browser would and set the uploader to it: the screen."""
    cookie = await asyncio.to_thread(xsrf_cookie, user.url, user.cookie)
    status = await asyncio.to_thread(
        put_upload, user.url, cookie, user.session_id, number, multipart(data, name)
    )
    info = UploadedFileInfo(file_id=f"crowd-{number}", name=name, size=len(data))
    state = WidgetState(id=uploader)
    state.file_uploader_state_value.uploaded_file_info.append(info)
    return status, state


async def forged_upload(url: str, args) -> dict:
    data = await asyncio.to_thread(forged_model)
    async with StreamlitUser(url, "model") as user:
        uploader = (await user.run()).widget_id("file_uploader", "Your own model")
        status, state = await upload_to(user, uploader, 0, data, "forged.keras")
        start = time.monotonic()
        screen = await user.run([state])
    return {
        "file_kb": round(len(data) / 1024, 1),
        "upload_status": status,
        "answered_s": round(time.monotonic() - start, 1),
        "refused_in_words": [e[:90] for e in screen.errors()][:1],
        "exceptions": screen.exceptions[:1],
    }


def stroke_flood(strokes: int = 4127) -> str:
    """A 7's canvas value padded with thousands of strokes: about 20 MB."""
    value = json.loads(canvas_state("x", stroke()).json_value)
    point = [["Q", 140.25, 60.5, 141.75, 61.25]] * 180
    value["drawing"]["raw"]["objects"] = [{"type": "path", "path": point}] * strokes
    return json.dumps(value)


async def canvas_floods(url: str, args) -> dict:
    flood = stroke_flood()

    async def one() -> str:
        async with StreamlitUser(url, "draw") as user:
            canvas = (await user.run()).widget_id("bidi_component", "canvas")
            try:
                await asyncio.wait_for(
                    user.run([WidgetState(id=canvas, json_value=flood)]), 60
                )
            except websockets.ConnectionClosed as closed:
                return f"closed {closed.rcvd.code if closed.rcvd else '?'}"
            return "answered"

    outcomes = await asyncio.gather(*(one() for _ in range(20)), return_exceptions=True)
    seen = [o if isinstance(o, str) else type(o).__name__ for o in outcomes]
    return {
        "sessions": 20,
        "value_mb": round(len(flood) / 2**20, 1),
        "outcomes": {o: seen.count(o) for o in set(seen)},
    }


async def address_uploads(url: str, args) -> dict:
    body = os.urandom(UPLOAD_BYTES)
    attackers = [StreamlitUser(url, "model", address="203.0.113.7") for _ in range(5)]
    statuses = []
    for n, user in enumerate(attackers):
        await user.__aenter__()
        uploader = (await user.run()).widget_id("file_uploader", "Your own model")
        for k in range(2):
            status, _ = await upload_to(user, uploader, 10 * n + k, body, "big.keras")
            statuses.append(status)
    async with StreamlitUser(url, "model", address="198.51.100.2") as visitor:
        uploader = (await visitor.run()).widget_id("file_uploader", "Your own model")
        model = (ROOT / "models" / "mnist_cnn.keras").read_bytes()
        visitor_status, _ = await upload_to(visitor, uploader, 99, model, "m.keras")
    for user in attackers:
        await user.__aexit__()
    return {
        "attacker_puts": len(statuses),
        "attacker_statuses": {str(s): statuses.count(s) for s in set(statuses)},
        "visitor_model_mb": round(len(model) / 2**20, 1),
        "visitor_status": visitor_status,
    }


async def draw_times(user, canvas: str, count: int) -> list[float]:
    """Seconds to each answer, a new drawing every half second as a person
    draws (faster, a session waits for its own turns: serving/throttle.py)."""
    times = []
    for n in range(count):
        await asyncio.sleep(0.5)
        image = stroke()
        image[60 + n : 62 + n, 100:180, :3] = 255  # a new drawing each time
        start = time.monotonic()
        await user.run([canvas_state(canvas, image)])
        times.append(time.monotonic() - start)
    return times


async def rerun_flood(url: str, args) -> dict:
    photo = big_png(4000)
    stop = asyncio.Event()
    reruns = [0]

    async def attacker(n: int) -> None:
        async with StreamlitUser(url, "draw", address="203.0.113.7") as user:
            uploader = (await user.run()).widget_id("file_uploader", "photo")
            _, state = await upload_to(user, uploader, n, photo, "big.png")
            while not stop.is_set():
                await user.run([state])
                reruns[0] += 1

    async with StreamlitUser(url, "draw", address="198.51.100.2") as victim:
        canvas = (await victim.run()).widget_id("bidi_component", "canvas")
        alone = await draw_times(victim, canvas, 20)
        crowd = [asyncio.create_task(attacker(n)) for n in range(16)]
        await asyncio.sleep(10)  # the attackers are all rerunning
        counted, began = reruns[0], time.monotonic()
        among = await draw_times(victim, canvas, 20)
        per_second = (reruns[0] - counted) / (time.monotonic() - began)
        stop.set()
        await asyncio.gather(*crowd, return_exceptions=True)

    def summary(times: list[float]) -> dict:
        return {
            "p50_s": round(float(np.percentile(times, 50)), 3),
            "p95_s": round(float(np.percentile(times, 95)), 3),
        }

    return {
        "photo_kb": len(photo) // 1024,
        "alone": summary(alone),
        "among_16": summary(among),
        "attacker_reruns_per_s": round(per_second, 1),
    }


PATHS = {
    "a": ("30 sessions open Dataset at once", dataset_crowd),
    "b": ("1 client: reruns, replies unread", unread_reruns),
    "c": ("60 x 10 MB uploads to one session", upload_flood),
    "d": ("13000x13000 canvas PNG", huge_canvas),
    "e": ("clear_cache, then 3 Starts", cleared_queue),
    "f": ("20 sessions press Start", start_crowd),
    "g": ("5 x upload, draw, Teach, t-SNE, leave", full_visits),
    "h": ("a model describing 784 x 1,000,000", forged_upload),
    "i": ("20 sessions x 20 MB canvas values", canvas_floods),
    "j": ("5 sessions of one address fill uploads", address_uploads),
    "k": ("16 sessions rerun Draw with a 4000² photo", rerun_flood),
}
# Paths whose clients name their address: the server trusts the proxy header.
BEHIND_A_PROXY = {"j", "k"}


async def warm_up(url: str) -> None:
    """A first visitor on Draw: TensorFlow and the shipped model are loaded."""
    async with StreamlitUser(url, "draw") as user:
        await user.run()


def measure(letter: str, args) -> dict:
    name, path = PATHS[letter]
    server = None
    url = args.url
    if url is None:
        port = free_port()
        log = open(f"/tmp/crowd-{letter}.log", "w")  # noqa: SIM115
        env = dict(os.environ)
        if letter in BEHIND_A_PROXY:
            env["MNIST_TRUSTED_PROXY"] = "1"
        server = start_streamlit(port, log, env)
        url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server, seconds=120)
        pid = server.pid if server else server_pid(url)
        asyncio.run(warm_up(url))
        time.sleep(2)
        result = {"path": letter, "what": name}
        with RssWatch(pid, args.max_rss) as watch:
            result["before_mb"] = round(watch.now())
            started = time.monotonic()
            rounds = []
            for _ in range(args.rounds):
                try:
                    result.update(
                        asyncio.run(asyncio.wait_for(path(url, args), args.limit))
                    )
                except Exception as exc:  # noqa: BLE001 - reported, the next runs
                    result["client_error"] = f"{type(exc).__name__}: {exc}"[:160]
                time.sleep(args.settle)
                rounds.append(round(watch.now()))
                if watch.capped:
                    break
            result["ran_s"] = round(time.monotonic() - started, 1)
            result["after_mb"] = rounds[-1]
            if args.rounds > 1:
                result["after_each_round_mb"] = rounds
        result["peak_mb"] = round(watch.peak)
        if watch.capped:
            result["after_mb"] = None  # the bench killed it: no "after"
            result["killed_past_mb"] = args.max_rss
            result["killed_after_s"] = round(watch.capped_at - started, 1)
    finally:
        if server:
            server.terminate()
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    print(json.dumps(result), flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", nargs="+", choices=sorted(PATHS), default=sorted(PATHS)
    )
    parser.add_argument("--url", help="measure the server running there instead")
    parser.add_argument(
        "--no-clear", action="store_true", help="path e without clear_cache (control)"
    )
    parser.add_argument("--seconds", type=float, default=15, help="path b's length")
    parser.add_argument("--settle", type=float, default=20, help="wait before 'after'")
    parser.add_argument(
        "--rounds", type=int, default=1, help="run each path this many times"
    )
    parser.add_argument(
        "--limit", type=float, default=240, help="most seconds a path runs"
    )
    parser.add_argument("--max-rss", type=float, default=8000, help="MB: kill past it")
    args = parser.parse_args()
    results = [measure(letter, args) for letter in args.only]
    print(f"{'path':<40} {'before':>7} {'peak':>7} {'after':>7}  MB")
    for r in results:
        flag = " (killed at cap)" if "killed_past_mb" in r else ""
        print(
            f"{r['path']} {r['what']:<38} {r['before_mb']:>7} {r['peak_mb']:>7} "
            f"{r['after_mb'] if r['after_mb'] is not None else '-':>7}{flag}"
        )


if __name__ == "__main__":
    main()
