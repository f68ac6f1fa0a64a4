"""The one data model every stage reads and writes.

A `Document` holds the input and an ordered list of `Block`s. Stages never
rebuild text: they mark a block removed, or trim a span at its start or end,
and each such decision is a `Removal` record. The clean text, the diff, the
report and the batch summary are all rendered from these records, so nothing
can disappear without a trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from clean.frontends.html.elements import ElementTable

InputKind = Literal["html", "text"]


@dataclass(slots=True, frozen=True)
class Removal:
    """One piece of text a stage took out, and why."""

    stage: str
    rule: str
    reason: str
    text: str
    block: int
    # Character span inside the block's text; the whole block when it covers it all.
    start: int = 0
    end: int = 0

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "stage": self.stage,
            "rule": self.rule,
            "reason": self.reason,
            "block": self.block,
            "start": self.start,
            "end": self.end,
        }


def _fields_of(r: Removal) -> tuple:
    """A removal's fields in declaration order: what the dataclass compares and hashes."""
    return (r.stage, r.rule, r.reason, r.text, r.block, r.start, r.end)


_REASON_SLOT = Removal.__dict__["reason"]  # the slot DeferredRemoval.reason fills on first read


class _ReasonLater:
    """What DeferredRemoval and DeferredOverride share: a reason worked out on its first read.

    A subclass names the record class it stands for (`_plain`), that class's
    fields in declaration order (`_fields`) and the slot its reason lives in.
    It is equal to the plain record with the same fields and hashed alike: a
    caller comparing records (two runs, a saved record) must not see when a
    reason was worked out (the dataclass's own __eq__ compares only objects of
    one class). A copied or pickled one is the plain record with its reason.
    """

    __slots__ = ()
    _plain: type
    _reason_slot: Any  # the dataclass's slot descriptor for `reason`
    _fields: Callable[[Any], tuple]
    _explain: Callable[[], str] | None

    @property
    def reason(self) -> str:
        cls = type(self)  # through the class: read on self, the slot descriptor would bind
        slot, plain = cls._reason_slot, cls._plain
        reason = slot.__get__(self, plain)
        if reason is None:
            explain = self._explain
            if explain is None:  # another thread has just worked it out
                return slot.__get__(self, plain)
            reason = explain()
            slot.__set__(self, reason)  # the reason first: a reader that finds no explain reads it
            object.__setattr__(self, "_explain", None)
        return reason

    def __reduce__(self):
        return self._plain, self._fields(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, self._plain):
            return self._fields(self) == self._fields(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._fields(self))  # as the dataclass hashes the plain record


class DeferredRemoval(_ReasonLater, Removal):
    """A removal whose reason is worked out the first time it is read.

    A scorer's reason names the features that pushed its score down
    (clean/heuristics/block_scorer.py, clean/learned/explain.py): working it
    out for every removal cost about 0.8 ms CPU a page, and a caller who wants
    only the text never reads it. The reason is the same string either way,
    computed at most once (to_dict, the report and the batch records read it
    as before); then what computed it is let go. A copied or pickled one is a
    plain Removal with its reason.
    """

    __slots__ = ("_explain",)
    _plain = Removal
    _reason_slot = _REASON_SLOT
    _fields = staticmethod(_fields_of)

    def __init__(
        self, stage: str, rule: str, explain: Callable[[], str], text: str, block: int, start: int, end: int
    ) -> None:
        # One call per field, as the dataclass's own __init__ does (a loop over a dict of
        # them took twice as long: 1.7 against 0.9 us, ~90 removals a page).
        set_field = object.__setattr__
        set_field(self, "stage", stage)
        set_field(self, "rule", rule)
        set_field(self, "text", text)
        set_field(self, "block", block)
        set_field(self, "start", start)
        set_field(self, "end", end)
        set_field(self, "_explain", explain)
        _REASON_SLOT.__set__(self, None)


@dataclass(slots=True, frozen=True)
class Override:
    """A removal a later stage undid (a learned scorer overruling a heuristic), kept for the report."""

    removal: Removal
    stage: str
    rule: str
    reason: str

    def to_dict(self) -> dict:
        undone = self.removal.to_dict()
        return {"undone": undone, "stage": self.stage, "rule": self.rule, "reason": self.reason}


def _override_fields(o: Override) -> tuple:
    """An override's fields in declaration order: what the dataclass compares and hashes."""
    return (o.removal, o.stage, o.rule, o.reason)


_OVERRIDE_REASON_SLOT = Override.__dict__["reason"]


class DeferredOverride(_ReasonLater, Override):
    """An override whose reason is worked out the first time it is read, as DeferredRemoval's is.

    The learned scorer's reason for restoring a block names the features
    behind its verdict (clean/learned/explain.py): ~0.2 ms CPU a page, read
    only by the report and by callers who ask for the overrides. Equal to and
    hashed as the plain Override with the same fields; copied or pickled, a
    plain Override with its reason.
    """

    __slots__ = ("_explain",)
    _plain = Override
    _reason_slot = _OVERRIDE_REASON_SLOT
    _fields = staticmethod(_override_fields)

    def __init__(self, removal: Removal, stage: str, rule: str, explain: Callable[[], str]) -> None:
        set_field = object.__setattr__
        set_field(self, "removal", removal)
        set_field(self, "stage", stage)
        set_field(self, "rule", rule)
        set_field(self, "_explain", explain)
        _OVERRIDE_REASON_SLOT.__set__(self, None)


class Notes(dict):
    """Document.notes: block index -> why the block stayed, some notes written when first read.

    A restored block's note repeats its override's reason, which is deferred
    (DeferredOverride): such a note is set as a function that writes it
    (Document.note), and every method that reads values calls the pending
    functions first, so a reader only ever sees strings. The keys are there at
    once. A copy or a pickled one is a plain dict of strings.
    """

    __slots__ = ("_pending",)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pending = False

    def later(self, index: int, write: Callable[[], str]) -> None:
        dict.__setitem__(self, index, write)
        self._pending = True

    def _write(self) -> None:
        if self._pending:
            for index, note in dict.items(self):  # replacing values while iterating is allowed
                if callable(note):
                    dict.__setitem__(self, index, note())
            self._pending = False

    # Every way to read a value. __iter__ is overridden so that dict(notes), {**notes} and
    # update(notes) take the path that reads through __getitem__, not the dict's own values.
    def __getitem__(self, index: int) -> str:
        self._write()
        return dict.__getitem__(self, index)

    def get(self, index: int, default=None):
        self._write()
        return dict.get(self, index, default)

    def items(self):
        self._write()
        return dict.items(self)

    def values(self):
        self._write()
        return dict.values(self)

    def __iter__(self):
        self._write()
        return dict.__iter__(self)

    def pop(self, *args):
        self._write()
        return dict.pop(self, *args)

    def popitem(self):
        self._write()
        return dict.popitem(self)

    def setdefault(self, index: int, default=None):
        self._write()
        return dict.setdefault(self, index, default)

    def copy(self) -> dict:
        self._write()
        return dict(self)

    def __or__(self, other):
        self._write()
        return dict.__or__(self, other)

    def __ror__(self, other):
        self._write()
        return dict.__ror__(self, other)

    def __eq__(self, other: object) -> bool:
        self._write()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        self._write()
        return dict.__ne__(self, other)

    __hash__ = None  # type: ignore[assignment]  # a dict's

    def __repr__(self) -> str:
        self._write()
        return dict.__repr__(self)

    def __reduce__(self):
        return dict, (self.copy(),)


@dataclass(slots=True)
class Block:
    """One unit of visible text and where it came from."""

    index: int
    text: str
    # paragraph, heading, list-item, table-row, pre, line, ...
    kind: str = "paragraph"
    # Blocks that share a group are printed on adjacent lines (lines of one
    # text paragraph, items of one list); different groups get a blank line.
    group: int = 0
    tag: str | None = None
    path: str | None = None
    # First and last input line (text mode), 1-based, inclusive.
    lines: tuple[int, int] | None = None
    features: dict[str, float] = field(default_factory=dict)
    removal: Removal | None = None
    # Spans cut from the block's start or end; the block itself stays.
    trims: list[Removal] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return self.removal is None

    def kept_text(self) -> str:
        """The block's text with its trimmed spans cut out."""
        if not self.trims:
            return self.text
        pieces, cursor = [], 0
        for trim in sorted(self.trims, key=lambda t: t.start):
            pieces.append(self.text[cursor : trim.start])
            cursor = max(cursor, trim.end)
        pieces.append(self.text[cursor:])
        return "".join(pieces).strip()


@dataclass(slots=True, frozen=True)
class Repair:
    """Text the front end repaired before any stage read it (mojibake: clean/frontends/mojibake.py).

    Not a removal, a change of characters; recorded so that the original stays
    visible (the blocks, the input view and the report hold the repaired text).
    `steps` are ftfy's own names for what it did, as its fix_and_explain gives them.
    """

    block: int
    before: str
    after: str
    steps: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"block": self.block, "before": self.before, "after": self.after, "steps": list(self.steps)}


@dataclass(slots=True)
class Document:
    """The input, its blocks, and everything the stages decided."""

    kind: InputKind
    source: str
    url: str | None = None
    blocks: list[Block] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    # Per-block explanations from scorers that did not remove the block;
    # kept so the report can say why a borderline block stayed.
    notes: dict[int, str] = field(default_factory=Notes)
    # Removals that a later stage undid (Document.restore), in the order undone.
    overridden: list[Override] = field(default_factory=list)
    # Blocks whose text the front end repaired (mojibake), with the text as the input had it.
    repaired: list[Repair] = field(default_factory=list)
    # The page's elements, rebuilt from the blocks' paths once and shared by the
    # stages that read them (clean/frontends/html/elements.py, element_table).
    element_table: ElementTable | None = field(default=None, init=False, repr=False, compare=False)
    # The blocks' texts and their word tokens, likewise (clean/vocabulary.py, block_tokens).
    block_tokens: tuple[list[str], list[tuple[str, ...]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def kept_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.kept]

    def drop_shared_tables(self) -> None:
        """Let go of the tables the stages shared (built again should anyone ask).

        Called when the stages are done: the result keeps the document, and
        the tables (an element table, a tuple of tokens per block: ~350
        container objects a page) would otherwise be walked by the young
        collection that follows the call (clean/collector.py).
        """
        self.element_table = None
        self.block_tokens = None

    def remove(self, block: Block, stage: str, rule: str, reason: str | Callable[[], str]) -> Removal | None:
        """Mark a whole block removed. The first stage to remove a block wins.

        `reason` may be a function that returns it: it is then called when the
        reason is first read (DeferredRemoval).
        """
        if block.removal is not None:
            return None
        kind = DeferredRemoval if callable(reason) else Removal
        block.removal = kind(stage, rule, reason, block.text, block.index, 0, len(block.text))
        return block.removal

    def restore(
        self, block: Block, stage: str, rule: str, reason: str | Callable[[], str]
    ) -> Override | None:
        """Undo a whole-block removal: the one exception to "the first stage to remove wins".

        Only a stage that re-judges every block (the learned scorer in "decide"
        mode) calls this, on heuristic removals; the undone removal stays on
        record in `overridden`, so the report can show both decisions. As with
        `remove`, `reason` may be a function that returns it (DeferredOverride).
        """
        if block.removal is None:
            return None
        if callable(reason):
            override: Override = DeferredOverride(block.removal, stage, rule, reason)
        else:
            override = Override(block.removal, stage, rule, reason)
        self.overridden.append(override)
        block.removal = None
        return override

    def note(self, index: int, note: str | Callable[[], str]) -> None:
        """Say why block `index` stayed; `note` may be a function that writes it when first read (Notes)."""
        if callable(note):
            if isinstance(self.notes, Notes):
                self.notes.later(index, note)
                return
            note = note()  # notes replaced by a plain dict (training/evaluate_learned.py does)
        self.notes[index] = note

    def trim(
        self, block: Block, start: int, end: int, stage: str, rule: str, reason: str
    ) -> Removal | None:
        """Cut the span [start, end) out of a kept block (a glued crumb, a cue prefix)."""
        if block.removal is not None or start >= end:
            return None
        if end - start >= len(block.text.strip()):
            return self.remove(block, stage, rule, reason)
        removal = Removal(stage, rule, reason, block.text[start:end], block.index, start, end)
        block.trims.append(removal)
        return removal

    @property
    def removals(self) -> list[Removal]:
        """Every removal, in document order."""
        found: list[Removal] = []
        for block in self.blocks:
            if block.removal is not None:
                found.append(block.removal)
            found.extend(sorted(block.trims, key=lambda t: t.start))
        return found
