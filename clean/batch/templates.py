"""Learning site templates from the batch itself, in a first pass over the input.

Why a first pass and not a running model that warms up as pages stream by:
- every page of a host is judged by the same template, including the first
  pages seen, which a warm-up would leave uncleaned;
- the result does not depend on the order or the timing of the records, so
  the output is deterministic, and an interrupted batch that resumes cleans
  the rest exactly as an uninterrupted run would (the learned template is
  saved next to the output and reloaded);
- it costs one extra read and segmentation of every page (no stage runs),
  in parallel like the main pass; `--no-site-templates` skips it.

Memory: per host, the number of pages and, per distinct block fingerprint, on
how many pages it appeared. Hosts with many pages are counted with lossy
counting (Manku & Motwani, 2002): every `bucket` pages, fingerprints too rare
to ever reach the share threshold are dropped, so a host's table stays
O(bucket · blocks per page) however many pages it has. Counts are then lower
bounds (never more than the truth), so pruning can only make the stage remove
less, never more. If the whole table still grows past `max_entries` (many
small hosts), fingerprints seen on a single page so far are dropped, again only
ever undercounting.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from clean.heuristics.site_template import SiteTemplates, templates_from_counts
from clean.options import Options

DEFAULT_MAX_ENTRIES = 20_000_000


@dataclass(slots=True)
class HostCounts:
    pages: int = 0
    # fingerprint -> [pages seen since tracked, pages it may have been missed on before]
    counts: dict[int, list[int]] = field(default_factory=dict)


class TemplateLearner:
    def __init__(self, options: Options, max_entries: int = DEFAULT_MAX_ENTRIES):
        self.options = options
        # Lossy counting error: a tenth of the share threshold, so a block whose
        # share is at least min_share is kept through pruning and counted within 10%.
        epsilon = max(options.site_template_min_share / 10, 1e-3)
        self.bucket = max(math.ceil(1 / epsilon), options.site_template_min_pages)
        self.max_entries = max_entries
        self.entries = 0
        self.hosts: dict[str, HostCounts] = {}

    def add(self, host: str, fingerprints: Iterable[int]) -> None:
        counts = self.hosts.setdefault(host, HostCounts())
        counts.pages += 1
        bucket_id = math.ceil(counts.pages / self.bucket)
        for fp in fingerprints:
            entry = counts.counts.get(fp)
            if entry is None:
                counts.counts[fp] = [1, bucket_id - 1]
                self.entries += 1
            else:
                entry[0] += 1
        if counts.pages % self.bucket == 0:
            self._prune_host(counts, bucket_id)
        if self.entries > self.max_entries:
            self._drop_singletons()

    def _prune_host(self, counts: HostCounts, bucket_id: int) -> None:
        rare = [fp for fp, (n, missed) in counts.counts.items() if n + missed <= bucket_id]
        for fp in rare:
            del counts.counts[fp]
        self.entries -= len(rare)

    def _drop_singletons(self) -> None:
        for counts in self.hosts.values():
            single = [fp for fp, (n, _) in counts.counts.items() if n == 1]
            for fp in single:
                del counts.counts[fp]
            self.entries -= len(single)

    def templates(self) -> SiteTemplates:
        return templates_from_counts(
            (
                (host, c.pages, {fp: n for fp, (n, _) in c.counts.items()})
                for host, c in self.hosts.items()
                if c.pages >= self.options.site_template_min_pages
            ),
            self.options,
        )
