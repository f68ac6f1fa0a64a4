"""clean_html raises the collector's young threshold for the call and always puts the caller's back."""

from __future__ import annotations

import gc
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

import clean
from clean.collector import RAISED_THRESHOLD, fewer_collections

PAGES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "html").glob("*.html"))
CALLERS = (1234, 7, 3)  # a caller's own thresholds, unlike the defaults


@pytest.fixture(autouse=True)
def callers_thresholds():
    before = gc.get_threshold()
    gc.set_threshold(*CALLERS)
    yield
    gc.set_threshold(*before)


def test_raised_inside_and_restored_after():
    with fewer_collections():
        assert gc.get_threshold() == (RAISED_THRESHOLD, 7, 3)
    assert gc.get_threshold() == CALLERS


def test_restored_when_the_call_raises():
    with pytest.raises(clean.InputError):
        clean.clean_html(b"%PDF-1.4 binary")
    with pytest.raises(ZeroDivisionError), fewer_collections():
        1 / 0  # noqa: B018
    assert gc.get_threshold() == CALLERS


def test_clean_html_leaves_the_callers_thresholds():
    result = clean.clean_html(PAGES[0].read_bytes())
    assert result.text
    assert gc.get_threshold() == CALLERS


def test_nested_and_overlapping_calls_restore_once():
    with fewer_collections():
        with fewer_collections():  # finds it raised: changes nothing
            pass
        assert gc.get_threshold()[0] == RAISED_THRESHOLD
    assert gc.get_threshold() == CALLERS
    # Overlapping, as two threads' calls can: the first to finish restores.
    first, second = ExitStack(), ExitStack()
    first.enter_context(fewer_collections())
    second.enter_context(fewer_collections())
    first.close()
    assert gc.get_threshold() == CALLERS
    second.close()
    assert gc.get_threshold() == CALLERS


def test_thresholds_set_during_the_call_stand():
    with fewer_collections():
        gc.set_threshold(5000, 20, 20)
    assert gc.get_threshold() == (5000, 20, 20)


def test_collection_switched_off_stays_off():
    gc.set_threshold(0, 7, 3)
    with fewer_collections():
        assert gc.get_threshold() == (0, 7, 3)
    assert gc.get_threshold() == (0, 7, 3)


def test_threads_leave_the_callers_thresholds():
    pages = [path.read_bytes() for path in PAGES] * 3
    with ThreadPoolExecutor(4) as pool:
        texts = list(pool.map(lambda page: clean.clean_html(page).text, pages))
    assert all(texts)
    assert gc.get_threshold() == CALLERS
