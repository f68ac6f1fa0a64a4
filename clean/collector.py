"""Fewer garbage collections while one page is cleaned, and the caller's settings put back.

Cleaning a page keeps thousands of small container objects alive at once
(blocks, removals, rows of features, cache entries). CPython's cyclic
collector runs a young-generation pass every 700 net allocations; objects of
the page that are alive during two such passes are promoted, and promotions
trigger full collections, which walk the caller's whole heap. In a process
with a large heap (a scraper, the speed benchmark beside other extractors)
that costs several milliseconds a page, and finds nothing: the page's objects
form no cycles (none left on every 7th WCXB page) and die by reference
counting when the call returns.

`fewer_collections()` raises the young generation's threshold for the
duration of one call. The collector stays enabled (past the raised threshold
it collects as usual, so a huge page or another thread's garbage is still
bounded), and afterwards the caller's thresholds are put back exactly, even
when the call raises. What is still alive then (the returned result, cache
entries) is collected at the caller's pace: usually one young collection
right after the call instead of several during it (every 7th WCXB page,
clean_html alone in a process: 3.5 ms of collections a page before, 1.3 after).

No state is kept outside the call, and concurrent or nested calls need no
lock: a call restores only the thresholds it set itself, and only while they
are still in force. So when calls overlap, the first to finish restores the
caller's thresholds (the others run on at the normal pace), a call that finds
the threshold already raised changes nothing, and a threshold that someone
set in the meantime is left alone. The thresholds can never stay raised.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Net allocations before a young collection while a page is cleaned. Pages keep
# far fewer objects alive at once (every 7th WCXB page: median 1,500, at most
# 9,000); a huge one gets collections as before, just fewer of them.
RAISED_THRESHOLD = 100_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    saved = gc.get_threshold()
    if saved[0] >= RAISED_THRESHOLD or saved[0] == 0:  # already high, or automatic collection is off
        yield
        return
    raised = (RAISED_THRESHOLD, *saved[1:])
    gc.set_threshold(*raised)
    try:
        yield
    finally:
        if gc.get_threshold() == raised:  # else someone set thresholds meanwhile: theirs stand
            gc.set_threshold(*saved)
