"""What a client remembers between calls: the results it could not report yet, the intents this
process has run, and how far each idempotency key's lineage has gone."""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional

log = logging.getLogger("writ")


@dataclass(frozen=True)
class Report:
    """A result to report: `outcome` is "executed" or "failed"."""

    intent_id: str
    outcome: str
    summary: Optional[str]


class Ledger:
    """Thread-safe, bounded memory of one client.

    - Reports that could not be delivered wait here (at most `limit`, oldest dropped first with a
      warning) until a later call or `flush_reports()` delivers them.
    - `claim(intent_id)` marks an intent as settled by this process (run, or its refusal raised),
      so a later call that finds it again does not act on it twice.
    - `generation(key)` is the lineage step an idempotency key reached, so a call repeated after
      its action ran goes straight to a fresh intent instead of walking the lineage again.
    """

    def __init__(self, limit: int = 1000, memory: int = 10_000):
        self.limit = limit
        self._memory = memory
        self._lock = threading.Lock()
        self._reports: OrderedDict[str, Report] = OrderedDict()
        self._claimed: OrderedDict[str, None] = OrderedDict()
        self._generations: OrderedDict[str, tuple[int, Optional[str]]] = OrderedDict()

    def keep(self, report: Report) -> None:
        with self._lock:
            self._reports[report.intent_id] = report
            while len(self._reports) > self.limit:
                dropped = self._reports.popitem(last=False)[1]
                log.warning("writ: dropped the %s report of intent %s: more than %d reports could not be delivered",
                            dropped.outcome, dropped.intent_id, self.limit)

    def reports(self) -> list[Report]:
        with self._lock:
            return list(self._reports.values())

    def delivered(self, report: Report) -> None:
        with self._lock:
            if self._reports.get(report.intent_id) is report:
                del self._reports[report.intent_id]

    def claim(self, intent_id: str) -> bool:
        """True the first time this process claims `intent_id`, false after."""
        with self._lock:
            if intent_id in self._claimed:
                return False
            self._claimed[intent_id] = None
            _bound(self._claimed, self._memory)
            return True

    def claimed(self, intent_id: str) -> bool:
        with self._lock:
            return intent_id in self._claimed

    def generation(self, key: str) -> int:
        """Where a call with `key` starts its walk: at the last intent a call found, past it once it was settled here."""
        with self._lock:
            generation, intent_id = self._generations.get(key, (0, None))
            return generation + 1 if intent_id is not None and intent_id in self._claimed else generation

    def reached(self, key: str, generation: int, intent_id: Optional[str]) -> None:
        """Records that a call with `key` continued with `intent_id`, found at `generation`."""
        with self._lock:
            self._generations.pop(key, None)
            self._generations[key] = (generation, intent_id)
            _bound(self._generations, self._memory)


def _bound(entries: OrderedDict, limit: int) -> None:
    while len(entries) > limit:
        entries.popitem(last=False)
