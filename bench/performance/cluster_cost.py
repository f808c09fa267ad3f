"""What one training costs on a Ray worker, and what that means for a classroom.

    python -m bench.performance.cluster_cost

Starts a Ray head on 127.0.0.1 with this machine's cores and runs the Train
page's default training (the fast preset) through the app's ClusterTrainings
three ways: alone asking for 1 CPU, alone asking for 2, and two at once
asking for 1 each (every core busy, as in a full classroom). Each is timed
from Start to the trained model back on the web server: placement, the
worker's start, training, the test after each pass, the model's way back.

Then the classroom table: when N students press Start together on W worker
cores, with trainings of one CPU each taking T seconds when every core is
busy, the last student's model is back after ceil(N / W) x T.
"""

from __future__ import annotations

import math
import os
import statistics
import tempfile
import time

from mnist_core.data.mnist import load_mnist
from mnist_core.serving.cluster import ClusterTrainings
from mnist_core.serving.jobs import JobState, TrainingJob
from mnist_core.training.config import PRESETS
from tests.support.servers import (
    free_port,
    start_ray_head,
    wait_listening,
)

CLASSES = (30, 100, 500)
WORKER_CORES = (2, 16, 64, 256)


def timed_trainings(address: str, cpus: int, count: int, data) -> list[tuple]:
    """(wall, training) seconds of `count` default trainings started together."""
    trainings = ClusterTrainings(address, cpus)
    start = time.perf_counter()
    jobs = [
        trainings.submit(TrainingJob(PRESETS["fast"], owner=str(n)), data)
        for n in range(count)
    ]
    walls = {}
    while len(walls) < count:
        for n, job in enumerate(jobs):
            if job.finished and n not in walls:
                assert job.state == JobState.DONE, job.error
                walls[n] = time.perf_counter() - start
        time.sleep(0.1)
    return [(walls[n], job.result.train_seconds) for n, job in enumerate(jobs)]


def main() -> None:
    cores = os.cpu_count() or 2
    port, client_port = free_port(), free_port()
    temp_dir = tempfile.mkdtemp(prefix="ray", dir="/tmp")
    log = open(os.path.join(temp_dir, "head.log"), "w")
    head = start_ray_head(port, client_port, cores, temp_dir, log, dict(os.environ))
    data = load_mnist()
    try:
        wait_listening(client_port, head)
        address = f"ray://127.0.0.1:{client_port}"
        timed_trainings(address, 1, 1, data)  # the package reaches the cluster once
        runs = {
            "alone, 1 CPU": timed_trainings(address, 1, 1, data),
            "alone, 2 CPUs": timed_trainings(address, 2, 1, data),
            f"{cores} at once, 1 CPU each": timed_trainings(address, 1, cores, data),
        }
    finally:
        head.terminate()
        head.wait(60)
    print(f"default training ({PRESETS['fast'].summary()}) on a {cores}-core machine:")
    for name, results in runs.items():
        walls = ", ".join(f"{wall:.1f}" for wall, _ in results)
        trains = ", ".join(f"{seconds:.1f}" for _, seconds in results)
        print(f"  {name}: Start to model {walls} s (training alone {trains} s)")
    busy = statistics.median(wall for wall, _ in runs[f"{cores} at once, 1 CPU each"])
    print(f"\nlast student's wait, trainings of 1 CPU taking {busy:.0f} s each:")
    print("  students | " + " | ".join(f"{c} cores" for c in WORKER_CORES))
    for students in CLASSES:
        waits = [math.ceil(students / c) * busy for c in WORKER_CORES]
        print(f"  {students:8} | " + " | ".join(duration(w) for w in waits))


def duration(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 90 else f"{seconds:.0f} s"


if __name__ == "__main__":
    main()
