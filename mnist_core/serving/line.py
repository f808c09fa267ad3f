"""One training line for a whole cluster: every replica claims its places here.

Each replica used to keep its own list of unfinished trainings, so behind
nginx the line and the per-address share were per replica: 14 addresses got
10 trainings (5 per replica, not 5 in all), and one address got one on each.
The line is now a named, detached Ray actor that every replica of a cluster
finds by name: a place is claimed there with the same rule as one server's
queue (`jobs.slot_refusal`), held while the replica renews it, and given back
when the training ends. A replica that dies stops renewing, and its places
lapse after LEASE_SECONDS.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from mnist_core.errors import Message
from mnist_core.serving.jobs import VISITORS, slot_refusal

LINE_NAME = "mnist-training-line"
NAMESPACE = "mnist-studio"
LEASE_SECONDS = 30.0  # a place nobody renewed this long is given back
RENEW_SECONDS = 5.0  # how often a replica renews the places it holds


@dataclass
class Place:
    owner: str
    client: str
    pool: str
    renewed: float


class TrainingLine:
    """The places of the cluster's unfinished trainings (a Ray actor's state;
    plain Python, so it is tested without Ray)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._places: dict[str, Place] = {}

    def claim(
        self,
        job_id: str,
        owner: str,
        client: str,
        limit: int,
        per_client: int,
        pool: str = VISITORS,
    ) -> Message | None:
        """Take a place of `pool` (at most `limit` of them) for `job_id`, or
        say why not (the line's Message)."""
        self._lapse()
        holders = [(p.owner, p.client, p.pool) for p in self._places.values()]
        refusal = slot_refusal(holders, owner, client, limit, per_client, pool)
        if refusal is None:
            self._places[job_id] = Place(owner, client, pool, self._clock())
        return refusal

    def renew(self, job_ids: list[str]) -> None:
        now = self._clock()
        for job_id in job_ids:
            if job_id in self._places:
                self._places[job_id].renewed = now

    def release(self, job_id: str) -> None:
        self._places.pop(job_id, None)

    def size(self) -> int:
        self._lapse()
        return len(self._places)

    def _lapse(self) -> None:
        now = self._clock()
        for job_id in [
            j for j, p in self._places.items() if now - p.renewed > LEASE_SECONDS
        ]:
            del self._places[job_id]


def cluster_line(ray):
    """The cluster's one line actor, made by whichever replica asks first."""
    return (
        ray.remote(TrainingLine)
        .options(
            name=LINE_NAME,
            namespace=NAMESPACE,
            lifetime="detached",
            get_if_exists=True,
            num_cpus=0,
        )
        .remote()
    )
