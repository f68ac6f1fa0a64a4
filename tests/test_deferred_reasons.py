"""Removals whose reason is worked out when first read (model.DeferredRemoval)."""

from __future__ import annotations

import copy
import gzip
import pickle
from pathlib import Path

import pytest

import clean
from clean.model import Block, DeferredRemoval, Document, Removal

WCXB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "wcxb" / "dev"
WCXB_PAGE = WCXB / "html" / "0001.html.gz"  # a tune page


def _removed_later(calls: list[str]) -> tuple[Document, Removal]:
    doc = Document(kind="html", source="", blocks=[Block(0, "Share this story")])

    def explain() -> str:
        calls.append("explained")
        return "content score 0.10 < 0.44; against it: link_density=1.00 (-2.0)"

    removal = doc.remove(doc.blocks[0], "main-content", "link-list", explain)
    assert removal is not None
    return doc, removal


def test_the_reason_is_worked_out_once_when_first_read():
    calls: list[str] = []
    doc, removal = _removed_later(calls)
    assert isinstance(removal, DeferredRemoval) and calls == []
    assert removal.reason == "content score 0.10 < 0.44; against it: link_density=1.00 (-2.0)"
    assert removal.reason is removal.reason and calls == ["explained"]
    assert removal.to_dict()["reason"] == removal.reason
    assert doc.removals == [removal]


def test_a_pickled_or_copied_one_is_a_plain_removal_with_its_reason():
    calls: list[str] = []
    _, removal = _removed_later(calls)
    plain = Removal("main-content", "link-list", removal.reason, "Share this story", 0, 0, 16)
    for twin in (pickle.loads(pickle.dumps(removal)), copy.copy(removal), copy.deepcopy(removal)):
        assert type(twin) is Removal and twin == plain and hash(twin) == hash(plain)
    _, unread = _removed_later(calls)
    assert pickle.loads(pickle.dumps(unread)).reason == plain.reason  # pickling reads it first


def test_a_deferred_one_equals_the_plain_removal_with_the_same_fields():
    calls: list[str] = []
    _, removal = _removed_later(calls)
    plain = Removal("main-content", "link-list", removal.reason, "Share this story", 0, 0, 16)
    assert removal == plain and plain == removal and hash(removal) == hash(plain)
    assert len({removal, plain}) == 1 and [plain].index(removal) == 0
    other = Removal("main-content", "link-list", "another reason", "Share this story", 0, 0, 16)
    assert removal != other and other != removal


def test_the_scorers_removals_are_deferred_and_read_as_before():
    if not WCXB_PAGE.exists():
        pytest.skip("the WCXB pages are not at ../shared/data/wcxb")
    result = clean.clean_html(gzip.decompress(WCXB_PAGE.read_bytes()), None)
    deferred = [r for r in result.removed if isinstance(r, DeferredRemoval)]
    assert {r.stage for r in deferred} == {"main-content", "learned-scorer"}
    for removal in deferred:
        scorer = (
            "content score " if removal.stage == "main-content" else "learned scorer: content probability "
        )
        assert removal.reason.startswith(scorer) and ": " in removal.reason
    records = result.to_dict(with_diff=False)["removed"]
    assert [r["reason"] for r in records] == [r.reason for r in result.removed]
