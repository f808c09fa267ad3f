"""What each part of a visit leaves in the server's memory, the first time and after.

    python -m bench.performance.first_use_memory [--rounds 3] [--only teach tsne]

In one process, as the app's server holds them: the shipped model loaded and
read once (where a fresh server is after its warm-up), then `--rounds` times
each part of bench/performance/crowd.py's path g, one after the other: MNIST's
arrays, an uploaded model read once and dropped, Teach (the fine-tuning the
Draw page runs, on one correction) and the Dataset page's t-SNE map of 2,000
digits. After each part, Python's garbage is collected and malloc's free pages
handed back (what the server's memory keeper does every minute), and the
process's anonymous memory is printed: its own heap, not the shared libraries'
pages (file-backed, reclaimable). A part that costs memory only the first time
is shared by every later visitor; one that costs it every round ratchets.
"""

from __future__ import annotations

import argparse
import gc

from bench.performance.latency import rss_parts_mb
from mnist_core.constants import SHIPPED_MODEL_PATH
from mnist_core.serving.memory import release_free_memory

PARTS = ("mnist", "upload", "teach", "tsne")


def settle() -> float:
    gc.collect()
    release_free_memory()
    return rss_parts_mb()[0]


class Visit:
    """The server's shared state, and each part of one visit."""

    def __init__(self):
        from mnist_core.drawing.strokes import render_strokes
        from mnist_core.models.storage import load_model
        from mnist_core.reading.classifier import Classifier
        from mnist_core.reading.digit_check import load_check_for
        from tests.support.drawing import SEVEN

        self.shipped = load_model(SHIPPED_MODEL_PATH).model
        self.reader = Classifier(
            self.shipped, digit_check=load_check_for(SHIPPED_MODEL_PATH)
        )
        self.canvas = render_strokes(SEVEN, width=20)
        self.reader.classify(self.canvas)
        self.data = None

    def mnist(self) -> None:
        from mnist_core.data.mnist import load_mnist

        if self.data is None:  # once per server, as app_ui.common.get_data
            self.data = load_mnist()

    def upload(self) -> None:
        from mnist_core.models.storage import load_uploaded_model
        from mnist_core.reading.classifier import Classifier

        model = load_uploaded_model(SHIPPED_MODEL_PATH.read_bytes(), "m.keras")
        Classifier(model).classify(self.canvas)

    def teach(self) -> None:
        from mnist_core.reading.classifier import Classifier
        from mnist_core.training.finetune import fine_tune

        self.mnist()
        pixels = self.reader.classify(self.canvas).pixels[None]
        taught = fine_tune(self.shipped, pixels, [7], self.data)
        Classifier(taught.model).classify(self.canvas)

    def tsne(self) -> None:
        from mnist_core.data.stats import embed_2d

        self.mnist()
        embed_2d(self.data.x_train, self.data.y_train, 2000, "t-SNE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    args = parser.parse_args()
    visit = Visit()
    start = last = settle()
    print(f"after the warm-up: {start:.0f} MB anonymous")
    for round_ in range(1, args.rounds + 1):
        costs = []
        for part in args.only:
            getattr(visit, part)()
            now = settle()
            costs.append(f"{part} {now - last:+.0f}")
            last = now
        print(
            f"round {round_}: " + ", ".join(costs) + f" MB -> {last:.0f} MB "
            f"({last - start:+.0f} since the warm-up)",
            flush=True,
        )


if __name__ == "__main__":
    main()
