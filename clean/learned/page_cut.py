"""The block model's per-page cut: keep the most probable blocks up to the page's expected-F1 optimum.

How sure the model must be before a block is worth keeping depends on the
page: on an article it is sure of, a doubtful blurb costs more precision than
it can bring recall; on a page where it is unsure of everything (a product
page, a forum thread) dropping a doubtful block risks missing half the text.
So instead of one fixed probability for every page, the stage decodes each
page as text mode does (clean/textmodel/decode.py, the same function): the
model's log-odds are recalibrated (a temperature and a shift chosen on
out-of-fold tune pages by training/block_decoding.py and shipped in the model
file as "decoding"), the blocks open to the model are ranked by probability,
and the top ones are kept up to the cut that maximises
2 x sum(p x tokens) / (sum(tokens) + expected gold tokens).

The expected gold counts the open blocks only: a block a rule removed for good
(an advert, a repeat, a menu the model does not overrule) cannot be kept, and
counting it anyway lowered the cut for nothing (out-of-fold tune F1 0.8651
against 0.8663; training/README.md).

Blocks tied with the last one kept stay too, so the cut is a threshold on the
page: a block is kept exactly when its probability is at or above it. One
exception: a heading under the cut that the rules kept stays when the block it
heads (the next block with words the model judged; a date line that a rule
removed under a title does not count) is kept and is no heading itself, since
a section's heading belongs with its text. A title is a few words, so on a page
the model is sure of, the cut drops it as soon as the model doubts it
(fixtures/html/blog_comments.html: the title scores 0.31, the page's cut is
0.99). On WCXB the exception moves F1 by +0.0003 on tune pages out of fold and
-0.0002 on held-out (documentation pages +0.003 on held-out).

Code blocks (a <pre>, or a line inside one) are judged with their log-odds
raised by the decoding's "code_shift" (with_code_shift(), for the cut and for
the bar a rule's removal must clear): the model learned from pages that are
mostly prose, and on a documentation page it doubts the long code listings the
page exists for (WCXB 0666: one listing of 1,600 tokens at p 0.25 out of fold,
page F1 0.99 -> 0.83). The shift is chosen with the temperature and shift on
out-of-fold tune pages (training/block_decoding.py; figures in training/README.md).
The page's threshold stays on the scale of every other block: a plain block is
kept at or above it, a code block when its probability with the shift is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clean.frontends.html.elements import ELEMENT_ID, SIBLING_INDEX  # a path without them is its shape

if TYPE_CHECKING:
    import numpy as np


# A <pre> step of a DOM path (clean/frontends/html/path.py): the tag, then an id, a class,
# an attribute or a sibling index, or the step's end.
_PRE_STEP = re.compile(r"(?:^| > )pre(?:[#.\[:]| > |$)")


def code_blocks(kinds: list[str], paths: list[str | None], steps: list[str] | None = None) -> np.ndarray:
    """Per block: a code block, of kind "pre" or inside a <pre> (a listing whose lines are elements).

    `steps`: the steps of the elements of the page's paths, when the caller has them (the
    element table's): a page none of whose steps starts with "pre" (nine in ten) then spares
    the test per path (~0.07 ms a page).
    """
    import numpy as np

    code = np.array([kind == "pre" for kind in kinds], dtype=bool)
    if steps is not None and not any(step.startswith("pre") for step in set(steps)):
        return code
    for index, path in enumerate(paths):
        # The substring first: a step's tag opens it, so few paths have it, and the regex is dearer.
        if path and " > pre" in path and _PRE_STEP.search(path):
            code[index] = True
    return code


@dataclass(frozen=True)
class PageCut:
    keep: np.ndarray  # bool per block: open to the model and at or above the cut
    # The model's own (not recalibrated) probability of the least probable block
    # kept: the page's threshold, on the scale the reasons print.
    threshold: float
    expected_f1: float


def with_code_shift(log_odds: np.ndarray, code: np.ndarray, decoding: dict[str, float]) -> np.ndarray:
    """The log-odds the stage judges blocks by: a code block's raised by decoding["code_shift"]."""
    code_shift = decoding.get("code_shift", 0.0)
    return log_odds + code_shift * code if code_shift and code.any() else log_odds


# Blocks of one repeated shape (the same DOM path but for sibling indices and ids: a listing's
# cards, a thread's posts, a table's rows) are judged partly together: each block's log-odds
# move this share of the way to the mean of its shape's, when the shape has at least
# SHAPE_MIN_BLOCKS blocks with words. The model judges each card alone and keeps some and
# drops others of the same list; chosen on WCXB tune pages out of fold (training/README.md).
SHAPE_SHARE = 0.4
SHAPE_MIN_BLOCKS = 5
# A step's "#id" (ELEMENT_ID) names one element of the page, so it never says what shape an
# element has; but numbered ids (div#post_1, div#post_2, article#elComment_793074) kept a
# thread's posts from sharing one.


def shape_groups(
    paths: list[str | None], words: np.ndarray, shapes: list[str] | None = None
) -> list[np.ndarray]:
    """The blocks with words of each DOM shape (path without sibling indices and ids) repeated at
    least SHAPE_MIN_BLOCKS times.

    `shapes`: per block, its path without sibling indices when the caller has them (the page's
    element table keeps every element's: ElementTable.shapes), which spares a regex per block.
    """
    import numpy as np

    if shapes is None:
        shapes = [SIBLING_INDEX.sub("", path) if path else "" for path in paths]
    # A page repeats its shapes: the ids come off once per distinct shape. (The stage reads
    # the element table's numbers instead, ElementTable.bare_shapes; this serves training.)
    keys: dict[str, int] = {}
    without_ids: dict[str, int] = {}
    for shape in shapes:
        if shape not in without_ids:
            without_ids[shape] = keys.setdefault(ELEMENT_ID.sub("", shape), len(keys))
    block_keys = np.fromiter(map(without_ids.__getitem__, shapes), np.int64, len(shapes))
    has_path = np.fromiter(map(bool, paths), bool, len(paths))
    return keyed_shape_groups(has_path & (words > 0), block_keys)


def keyed_shape_groups(counted: np.ndarray, keys: np.ndarray) -> list[np.ndarray]:
    """shape_groups() of the `counted` blocks, block i's shape without ids numbered keys[i] (a
    number per distinct shape; ElementTable.bare_shapes, read by the stage, spares stripping them).
    Groups come in the order of their first block, each in block order.
    """
    import numpy as np

    block_keys = np.where(counted, keys, -1)
    sizes = np.bincount(block_keys[counted])
    groups = [np.flatnonzero(block_keys == key) for key in np.flatnonzero(sizes >= SHAPE_MIN_BLOCKS).tolist()]
    groups.sort(key=lambda group: int(group[0]))
    return groups


def with_shape_mean(log_odds: np.ndarray, groups: list[np.ndarray]) -> np.ndarray:
    """The log-odds moved SHAPE_SHARE of the way to their repeated shape's mean (shape_groups())."""
    import numpy as np

    if not groups:
        return log_odds
    # Each group's mean as own.mean() computes it (its sum over its count: the same bits), the
    # moves for all groups at once (the same arithmetic per block: ~16 groups a page).
    means = [float(log_odds[group].sum()) / len(group) for group in groups]
    members = np.concatenate(groups)
    own = log_odds[members]
    moved = log_odds.copy()
    moved[members] = own + SHAPE_SHARE * (np.repeat(means, [len(group) for group in groups]) - own)
    return moved


def page_cut(
    log_odds: np.ndarray, tokens: np.ndarray, open_to_model: np.ndarray, decoding: dict[str, float]
) -> PageCut | None:
    """The blocks kept on this page, or None when the cut keeps nothing (no open block has tokens).

    `log_odds`: as the stage judges them (with_code_shift()).
    """
    import numpy as np

    from clean.textmodel.decode import decode

    # decode() sums the expected gold over every block it is given tokens for.
    cut = decode(log_odds, np.where(open_to_model, tokens, 0.0), open_to_model, decoding)
    if not cut.keep.any():
        return None
    keep = open_to_model & (cut.probability >= cut.threshold)
    least = float(log_odds[keep].min())
    return PageCut(keep, float(1.0 / (1.0 + np.exp(-least))), cut.expected_f1)


def headings_of_kept_sections(
    keep: np.ndarray,
    kept_by_rules: np.ndarray,
    open_to_model: np.ndarray,
    kinds: list[str],
    tokens: np.ndarray,
) -> list[int]:
    """The headings under the cut that stay: kept by the rules, and heading a block the cut keeps.

    The block a heading heads is the next one with words that the model judged
    (removals that stand, such as a date line under a title, are skipped).
    """
    import numpy as np

    spared = []
    judged = np.flatnonzero((tokens > 0) & open_to_model)
    for index in np.flatnonzero(kept_by_rules & ~keep):
        if kinds[index] != "heading":
            continue
        after = judged[np.searchsorted(judged, index, side="right") :]
        if len(after) and keep[after[0]] and kinds[after[0]] != "heading":
            spared.append(int(index))
    return spared
