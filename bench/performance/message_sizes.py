"""The largest message each page sends a browser, against server.maxMessageSize.

    python -m bench.performance.message_sizes [--url http://127.0.0.1:8501]

Visits every page (Dataset with both maps, Train after a short training,
Model, Draw with a drawing) as one websocket client and prints the largest
websocket frame the server sent for each, in KB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tomllib

from bench.performance.crowd import stroke
from bench.performance.ws_user import StreamlitUser, canvas_state, click
from mnist_core.constants import PROJECT_ROOT
from tests.support.servers import free_port, start_streamlit, wait_healthy

VISITS = [
    ("", ""),
    ("dataset", ""),
    ("dataset", "map=PCA"),
    ("dataset", "map=t-SNE"),
    ("prepare", ""),
    ("model", ""),
    ("draw", ""),
]


class Measured(StreamlitUser):
    """A client that keeps the size of every frame it receives."""

    largest = 0

    async def __aenter__(self):
        await super().__aenter__()
        receive = self.socket.recv

        async def measured_recv(*args, **kwargs):
            frame = await receive(*args, **kwargs)
            self.largest = max(self.largest, len(frame))
            return frame

        self.socket.recv = measured_recv
        return self


async def visit(url: str, page: str, query: str) -> int:
    async with Measured(url, page, query) as user:
        screen = await user.run()
        if page == "draw":
            canvas = screen.widget_id("bidi_component", "canvas")
            await user.run([canvas_state(canvas, stroke())])
        return user.largest


async def after_training(url: str) -> int:
    async with Measured(url, "train", "epochs=1&size=1000") as user:
        start = (await user.run()).widget_id("button", "Start")
        await user.run([click(start)])
        for _ in range(120):  # the page polls its fragment until the run ends
            await asyncio.sleep(1)
            screen = await user.run()
            if any("right on" in t or "Test accuracy" in t for t in screen.texts()):
                break
        return user.largest


async def measure(url: str) -> dict:
    sizes = {}
    for page, query in VISITS:
        sizes[f"{page or 'home'}{'?' + query if query else ''}"] = await visit(
            url, page, query
        )
    sizes["train after a run"] = await after_training(url)
    return {name: round(size / 1024, 1) for name, size in sizes.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    args = parser.parse_args()
    server, url = None, args.url
    if url is None:
        port = free_port()
        log = open("/tmp/message-sizes.log", "w")  # noqa: SIM115
        server = start_streamlit(port, log, dict(os.environ))
        url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server, seconds=120)
        sizes = asyncio.run(measure(url))
    finally:
        if server:
            server.terminate()
            server.wait(20)
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    limit = config["server"]["maxMessageSize"]
    print(json.dumps({"largest_kb": sizes, "limit_kb": limit * 1000}))


if __name__ == "__main__":
    main()
