"""Removals and overrides whose reason is worked out when first read (model.DeferredRemoval,
DeferredOverride), and the notes that repeat them (model.Notes)."""

from __future__ import annotations

import copy
import gzip
import json
import pickle
from pathlib import Path

import pytest

import clean
from clean.model import Block, DeferredOverride, DeferredRemoval, Document, Override, Removal

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


# Restored blocks' reasons and the notes that repeat them (model.DeferredOverride, model.Notes).


def _restored_later(calls: list[str]) -> tuple[Document, Override]:
    doc = Document(kind="html", source="", blocks=[Block(0, "The council voted on Tuesday.")])
    doc.remove(doc.blocks[0], "main-content", "outside-main-content", "content score 0.30 < 0.44")

    def explain() -> str:
        calls.append("explained")
        return "learned scorer: content probability 0.91 (at or above 0.50)"

    override = doc.restore(doc.blocks[0], "learned-scorer", "learned-content", explain)
    assert override is not None
    return doc, override


def test_a_restored_blocks_reason_is_worked_out_once_when_first_read():
    calls: list[str] = []
    doc, override = _restored_later(calls)
    assert isinstance(override, DeferredOverride) and calls == [] and doc.blocks[0].kept
    assert override.reason == "learned scorer: content probability 0.91 (at or above 0.50)"
    assert override.reason is override.reason and calls == ["explained"]
    assert override.to_dict()["reason"] == override.reason
    plain = Override(override.removal, "learned-scorer", "learned-content", override.reason)
    assert override == plain and plain == override and hash(override) == hash(plain)
    assert override != Override(override.removal, "learned-scorer", "learned-content", "another")
    _, unread = _restored_later(calls)
    for twin in (pickle.loads(pickle.dumps(unread)), copy.copy(override), copy.deepcopy(override)):
        assert type(twin) is Override and twin == plain and hash(twin) == hash(plain)


def test_a_deferred_note_is_written_when_the_notes_are_first_read():
    calls: list[str] = []
    doc, override = _restored_later(calls)
    doc.note(0, lambda: f"restored: {override.reason}")
    doc.note(3, "a heading stays with the section")
    assert calls == [] and len(doc.notes) == 2 and 0 in doc.notes and sorted(doc.notes) == [0, 3]
    expected = {0: f"restored: {override.reason}", 3: "a heading stays with the section"}
    assert doc.notes == expected and calls == ["explained"]
    for read in (
        lambda notes: notes[0],
        lambda notes: notes.get(0),
        lambda notes: dict(notes.items())[0],
        lambda notes: list(notes.values())[0],
        lambda notes: dict(notes)[0],
        lambda notes: {**notes}[0],
        lambda notes: notes.copy()[0],
        lambda notes: json.loads(json.dumps(notes))["0"],
        lambda notes: pickle.loads(pickle.dumps(notes))[0],
        lambda notes: copy.deepcopy(notes)[0],
    ):
        fresh_doc, fresh = _restored_later([])
        fresh_doc.note(0, lambda fresh=fresh: f"restored: {fresh.reason}")
        assert read(fresh_doc.notes) == expected[0]
    assert type(pickle.loads(pickle.dumps(doc.notes))) is dict


def test_notes_replaced_by_a_plain_dict_get_the_note_written_at_once():
    doc, _ = _restored_later([])
    doc.notes = {}  # as training/evaluate_learned.py does
    doc.note(0, lambda: "written")
    assert doc.notes == {0: "written"}


def test_the_learned_scorers_restores_are_deferred_and_read_as_before():
    # 0082 (a tune page): the learned scorer restores five blocks the heuristics removed.
    page = WCXB / "html" / "0082.html.gz"
    if not page.exists():
        pytest.skip("the WCXB pages are not at ../shared/data/wcxb")
    result = clean.clean_html(gzip.decompress(page.read_bytes()), None)
    overrides = result.document.overridden
    assert overrides and all(type(o) is DeferredOverride for o in overrides)
    assert all(o._explain is not None for o in overrides)  # nothing read yet: nothing written
    for override in overrides:
        assert override.reason.startswith("learned scorer: content probability ")
        undone = override.removal
        note = result.document.notes[undone.block]
        assert note == f"restored over {undone.stage}/{undone.rule}; {override.reason}"


def test_the_line_models_restores_are_deferred_and_read_as_before():
    # 0036 (a tune page) read as text: the line model restores lines the rules removed.
    page = WCXB / "html" / "0036.html.gz"
    if not page.exists():
        pytest.skip("the WCXB pages are not at ../shared/data/wcxb")
    html_text = pytest.importorskip("html_text")
    html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
    doc = clean.clean_text(html_text.extract_text(html, guess_layout=True)).document
    assert doc.overridden and all(type(o) is DeferredOverride for o in doc.overridden)
    assert all(o._explain is not None for o in doc.overridden)
    for override in doc.overridden:
        assert override.reason.startswith("line model: content of the article")
        assert doc.notes[override.removal.block] == override.reason
