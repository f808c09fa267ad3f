"""A Streamlit user without a browser: Streamlit's own websocket protocol.

A browser tab per simulated user costs a Chromium renderer, and 20 of them
saturate this machine's 2 cores before the server does. This client speaks
what the browser speaks (protobuf BackMsg up, ForwardMsg down, on
/_stcore/stream): it asks for a page, sends widget values the way the front end
does (the canvas's state is a JSON value holding the drawing as a PNG data
URL), honours the server's fragment auto-reruns, and reads the elements the
script sent back.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import urllib.request
from dataclasses import dataclass, field

import numpy as np
import websockets
from PIL import Image
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

# What a page sends back is as large as its charts; the canvas PNG goes up.
MAX_MESSAGE = 64 * 1024 * 1024


@dataclass
class Screen:
    """The elements of one script run, by kind, in the order they came."""

    elements: list = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)

    def of(self, kind: str) -> list:
        return [e for e in self.elements if e.WhichOneof("type") == kind]

    def metric(self, label: str) -> str | None:
        found = [e.metric.body for e in self.of("metric") if e.metric.label == label]
        return found[-1] if found else None

    def widget_id(self, kind: str, name: str = "") -> str | None:
        """The first widget of this kind whose label (or component name) holds name."""
        for element in self.of(kind):
            widget = getattr(element, kind)
            label = getattr(widget, "label", "")
            if name in (label or getattr(widget, "component_name", "")):
                return widget.id
        return None

    def errors(self) -> list[str]:
        """What the page shows as an error (st.error)."""
        return [e.alert.body for e in self.of("alert") if e.alert.format == Alert.ERROR]

    def texts(self) -> list[str]:
        """Alert bodies and progress texts: what a person reads on the page."""
        return [e.alert.body for e in self.of("alert")] + [
            e.progress.text for e in self.of("progress")
        ]


class StreamlitUser:
    """One session on one page; use `async with StreamlitUser(url, page) as u`."""

    def __init__(self, url: str, page: str, query: str = "", address: str = ""):
        self.url, self.page, self.query = url, page, query
        # As a trusting proxy would say it (MNIST_TRUSTED_PROXY=1): the visitor's
        # address, for benches of per-address shares on 127.0.0.1.
        self.headers = {"X-Forwarded-For": address} if address else {}
        self.fragment: tuple[str, float] | None = None  # (id, seconds) to rerun
        self.session_id = ""  # known after the first run

    async def __aenter__(self) -> StreamlitUser:
        ws_url = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        cookie = await asyncio.to_thread(first_visit_cookie, self.url)
        self.cookie = cookie  # uploads must carry it (replica, XSRF token)
        self.socket = await websockets.connect(
            ws_url,
            subprotocols=["streamlit"],
            origin=self.url,
            max_size=MAX_MESSAGE,
            open_timeout=60,
            additional_headers={
                **self.headers,
                **({"Cookie": cookie} if cookie else {}),
            },
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self.socket.close()

    async def run(
        self, widgets: list[WidgetState] = (), fragment_id: str = ""
    ) -> Screen:
        """Rerun the page (or one fragment) with these widget values; wait for
        the script to finish and return what it drew."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_name = self.page
        state.fragment_id = fragment_id
        state.is_auto_rerun = bool(fragment_id)
        state.widget_states.widgets.extend(widgets)
        await self.socket.send(message.SerializeToString())
        return await self._screen()

    async def _screen(self) -> Screen:
        screen = Screen()
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(await self.socket.recv())
            kind = reply.WhichOneof("type")
            if kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                element = reply.delta.new_element
                screen.elements.append(element)
                if element.WhichOneof("type") == "exception":
                    screen.exceptions.append(element.exception.message)
            elif kind == "new_session":  # its id names the session's uploads
                self.session_id = reply.new_session.initialize.session_id
            elif kind == "auto_rerun":
                self.fragment = (
                    reply.auto_rerun.fragment_id,
                    reply.auto_rerun.interval,
                )
            elif kind == "script_finished":
                if reply.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return screen
                screen = Screen()  # st.rerun(): the next run's page replaces it


def first_visit_cookie(url: str) -> str:
    """The cookies a browser gets on opening the app (behind a load balancer,
    the one that keeps it on its replica), as a Cookie header."""
    with urllib.request.urlopen(url + "/", timeout=60) as reply:
        cookies = reply.headers.get_all("Set-Cookie") or []
    return "; ".join(c.split(";", 1)[0] for c in cookies)


def canvas_state(widget_id: str, image: np.ndarray) -> WidgetState:
    """The canvas's value after a drawing: Fabric's objects and the PNG."""
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    drawing = {"raw": {"version": "5.3.0", "objects": [{"type": "path"}]}, "data": url}
    return WidgetState(id=widget_id, json_value=json.dumps({"drawing": drawing}))


def click(widget_id: str) -> WidgetState:
    return WidgetState(id=widget_id, trigger_value=True)
