"""The learned scorer as a pipeline stage (HTML), gated by Options.learned_scorer.

Rules stay the first stage; the model then judges the page after them:

- "remove": a second opinion after the heuristics. Kept blocks under the
  page's cut are removed (rule "learned-boilerplate").
- "decide" (the default): the model replaces the heuristics' verdicts. Besides removing as
  above, it restores blocks that a heuristic stage (main content, headline
  lists) removed when they clear the page's cut (Document.restore; the undone
  removal stays in Document.overridden, and the restored block gets a note
  saying why). Removals by the rule stages (DOM rules, cues, crumbs, menus,
  page edges) are open to the model only when it scores them at or above the
  higher bar Options.learned_overrule_above (0.7), and are then undone the same
  way if they clear the cut; adverts, cookie banners, consent managers, pop-ups,
  dialogs, comments, customers' reviews, forum signatures, disclaimers, consent
  dialogs and repeats never.
- "off": nothing.

The cut is chosen per page (clean/learned/page_cut.py): the blocks open to
the model, ranked by probability, are kept up to the cut with the best
expected F1, so a block needs a higher probability on a page the model is
sure of than on one it doubts. Blocks of one repeated DOM shape (a listing's
cards, a thread's posts) are judged partly together: each one's log-odds
move a quarter of the way to their shape's mean (page_cut.with_shape_mean),
and a reason says so when it did. A threshold given in the options
(learned_remove_below, learned_restore_above) replaces the cut on every page,
as before the cut (when the stage threshold served every page).

"decide" is the default (held-out WCXB F1 0.846 -> 0.860 with one threshold,
-> 0.870 with the page's cut; figures in training/README.md).

Every reason is the model's explanation: the probability against the page's
cut (and the F1 the cut expects), and the features that pushed the block most.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from clean.model import Document, Override, Removal
from clean.options import Options
from clean.stage import Stage

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np

    from clean.learned.features import PageLayout
    from clean.learned.model import TreeModel
    from clean.learned.page_cut import PageCut

STAGE_NAME = "learned-scorer"
REMOVE_RULE = "learned-boilerplate"
RESTORE_RULE = "learned-content"
MODES = ("off", "remove", "decide")
# Heuristic decisions "decide" may overrule. Repeated blocks stay removed: the
# model scores both copies of a paragraph alike and cannot say which to keep.
OVERRULABLE_STAGES = frozenset({"main-content", "headline-list"})
KEEP_RULES = frozenset({"repeated-block"})
# Rule stages "decide" may overrule only above Options.learned_overrule_above.
# Repeats and site templates are left out for the reason above (the model sees
# one page; they see copies).
RULE_STAGES = frozenset({"dom-rules", "cues", "crumbs", "menus", "page-edges"})
# Never undone: overlays and adverts are not the page's text however they read
# (an advert's copy reads like prose and the model scores it high), nor are
# readers' comments beside an article (the DOM rule already keeps comments
# that are the page); consent dialogs (stage "consent") are not in RULE_STAGES
# for the same reason. Customers' reviews and forum signatures are readers' words beside the
# page, as comments are (out of fold on WCXB tune pages the model undid 1,092 words of
# reviews the gold lacks against 351 it holds). Disclaimers likewise: legal small print is
# written in sentences and the model scores it as prose (it undid 1,666 words of disclaimers
# the gold lacks against 259 it holds).
HARD_RULES = frozenset(
    {"advert", "cookie-banner", "consent-manager", "popup", "dialog", "comments", "reviews", "signature",
     "disclaimer"}
)  # fmt: skip


def _restore_bar(stage: str, rule: str, restore_above: float, overrule_above: float | None) -> float | None:
    """The probability at or above which a removal by `stage`/`rule` is undone; None: never."""
    if stage in OVERRULABLE_STAGES:
        return restore_above
    if stage in RULE_STAGES and rule not in HARD_RULES and overrule_above is not None:
        return max(restore_above, overrule_above)
    return None


def _fixed_thresholds(options: Options, model: TreeModel) -> tuple[float, float] | None:
    """(remove below, restore at or above) when one threshold serves every page; None: the page's cut.

    The page's cut needs the model's decoding; a threshold given in the options
    (learned_remove_below, learned_restore_above) replaces it on every page.
    """
    remove = options.learned_remove_below
    restore = options.learned_restore_above
    if remove is None and restore is None and model.decoding is not None:
        return None
    shipped = model.stage_threshold
    return (shipped if remove is None else remove, shipped if restore is None else restore)


def _spare_one(doc: Document, to_remove: list[int], to_restore: list[int], probabilities) -> list[int]:
    """The removals minus one block when they would empty a page that has text.

    The never-empty rule of main-content (clean/heuristics/main_content.py):
    when the model scores every block still kept below the threshold and
    restores none, the kept block it scores highest stays (a page of one
    unusual block, a 10 MB paragraph, is still a page with text).
    """
    if to_restore or not to_remove:
        return to_remove
    removing = set(to_remove)
    if any(b.kept and b.index not in removing and b.text.strip() for b in doc.blocks):
        return to_remove
    candidates = [i for i in to_remove if doc.blocks[i].text.strip()]
    if not candidates:
        return to_remove
    best = max(candidates, key=lambda i: probabilities[i])
    return [i for i in to_remove if i != best]


def _removal_bar(removal: Removal, options: Options) -> float | None:
    """The bar a removal sets for undoing it under the page's cut (0: the cut alone); None: never."""
    if removal.rule in KEEP_RULES:
        return None
    return _restore_bar(removal.stage, removal.rule, 0.0, options.learned_overrule_above)


def _cut_decisions(
    doc: Document, options: Options, model: TreeModel, layout: PageLayout, log_odds, probabilities
) -> tuple[list[int], dict[int, float], PageCut | None, np.ndarray, dict[int, str]]:
    """(blocks to remove, blocks to restore -> the bar they cleared, the page's cut, the probabilities
    it judged them by: code blocks' with the decoding's code shift, repeated shapes' moved toward
    their mean; and, for the decided blocks judged so, a note saying why) under the page's cut.

    Open to the model: the kept blocks and, in "decide" mode, the removals it may
    undo (heuristic ones; rule ones the model scores at or above the overrule bar).
    """
    import numpy as np

    from clean.learned.page_cut import (
        code_blocks,
        headings_of_kept_sections,
        keyed_shape_groups,
        page_cut,
        with_code_shift,
        with_shape_mean,
    )

    kinds = [b.kind for b in doc.blocks]
    paths = [b.path for b in doc.blocks]
    code = code_blocks(kinds, paths, layout.steps)
    # What each block weighs in the expected F1: its words, as the front end counted them (the
    # benchmark's \w+ tokens gave the same cut on WCXB and cost a regex pass over the page);
    # the block features read them already.
    tokens = layout.words
    has_path = np.fromiter(map(bool, paths), bool, len(paths))
    groups = keyed_shape_groups(has_path & (tokens > 0), layout.bare_shape_ids)
    log_odds = with_code_shift(with_shape_mean(log_odds, groups), code, model.decoding)
    judged = 1.0 / (1.0 + np.exp(-log_odds)) if code.any() or groups else probabilities
    restoring = options.learned_scorer == "decide" and options.enabled(RESTORE_RULE)
    kept_by_rules = np.fromiter((b.kept for b in doc.blocks), bool, len(doc.blocks))
    bars: dict[int, float] = {}
    if restoring:
        # A kept block has nothing to undo; a removal's bar depends on its stage and rule
        # alone: worked out once per (stage, rule) of the page, not once per removed block.
        bar_of: dict[tuple[str, str], float | None] = {}
        for i in np.flatnonzero(~kept_by_rules).tolist():
            removal = doc.blocks[i].removal
            key = (removal.stage, removal.rule)
            if key not in bar_of:
                bar_of[key] = _removal_bar(removal, options)
            bar = bar_of[key]
            if bar is not None and judged[i] >= bar:
                bars[i] = bar
    open_to_model = kept_by_rules.copy()
    open_to_model[list(bars)] = True
    cut = page_cut(log_odds, tokens, open_to_model, model.decoding)
    if cut is None:  # no open block has words: the page keeps the rules' result
        return [], {}, None, judged, {}
    to_restore = {i: bar for i, bar in bars.items() if cut.keep[i]}
    spared = headings_of_kept_sections(cut.keep, kept_by_rules, open_to_model, kinds, tokens)
    for index in spared:
        doc.notes[index] = (
            f"learned scorer: content probability {probabilities[index]:.2f} (below the page's cut "
            f"{cut.threshold:.2f}, expected F1 {cut.expected_f1:.2f}), kept: a heading stays with the "
            "section it heads"
        )
    to_remove: list[int] = []
    if options.enabled(REMOVE_RULE):
        dropped = kept_by_rules & ~cut.keep
        dropped[spared] = False
        to_remove = np.flatnonzero(dropped).tolist()
    notes = _judged_notes(model, probabilities, judged, code, groups, (*to_remove, *to_restore))
    return to_remove, to_restore, cut, judged, notes


def _threshold_decisions(
    doc: Document, options: Options, remove_below: float, restore_above: float, probabilities
) -> tuple[list[int], dict[int, float]]:
    """(blocks to remove, blocks to restore -> the bar they cleared) under one threshold for every page."""
    to_remove = [
        b.index
        for b in doc.blocks
        if b.kept and probabilities[b.index] < remove_below and options.enabled(REMOVE_RULE)
    ]
    bars: dict[int, float] = {}  # block index -> the bar it cleared, in block order
    if options.learned_scorer == "decide" and options.enabled(RESTORE_RULE):
        for b in doc.blocks:
            if b.removal is None or b.removal.rule in KEEP_RULES:
                continue
            bar = _restore_bar(b.removal.stage, b.removal.rule, restore_above, options.learned_overrule_above)
            if bar is not None and probabilities[b.index] >= bar:
                bars[b.index] = bar
    return _spare_one(doc, to_remove, list(bars), probabilities), bars


def _judged_notes(model: TreeModel, probabilities, judged, code, groups, indices) -> dict[int, str]:
    """Why the cut judged these blocks by other than the model's own probability: a code block
    (`code`, page_cut.code_blocks) or one of a repeated shape (`groups`, page_cut.shape_groups)."""
    from clean.learned.page_cut import SHAPE_SHARE

    moved = [i for i in indices if judged[i] != probabilities[i]]
    if not moved:
        return {}
    shapes = {int(i): len(group) for group in groups for i in group}
    code_shift = model.decoding.get("code_shift", 0.0)
    notes = {}
    for i in moved:
        why = []
        if i in shapes:
            why.append(
                f"one of {shapes[i]} blocks of the same DOM shape: judged {SHAPE_SHARE:.0%} of the way "
                "to their mean log-odds"
            )
        if code[i] and code_shift:  # a code block of a repeated shape may be moved by its shape alone
            why.append(f"a code block: judged with the code shift ({code_shift:+.2f} in log-odds)")
        notes[i] = f"; {'; '.join(why)} (the model's own probability {probabilities[i]:.2f})"
    return notes


def _with_note(reason: Callable[[], str], note: str) -> str:
    """A deferred reason with a note after it (read when the reason is)."""
    return reason() + note


def _restored_note(override: Override) -> str:
    undone = override.removal
    return f"restored over {undone.stage}/{undone.rule}; {override.reason}"


def run(doc: Document, options: Options) -> None:
    mode = options.learned_scorer
    if mode not in MODES:
        raise ValueError(f"learned_scorer must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "off" or not doc.blocks:
        return
    import numpy as np

    from clean.learned.explain import ReasonsLater
    from clean.learned.model import shipped_model

    model = shipped_model()
    matrix, layout = model.features_and_layout(doc)
    log_odds = model.log_odds(matrix)
    probabilities = 1.0 / (1.0 + np.exp(-log_odds))
    fixed = _fixed_thresholds(options, model)
    if fixed is None:
        to_remove, bars, cut, judged, notes = _cut_decisions(
            doc, options, model, layout, log_odds, probabilities
        )
        if cut is None:
            return
        remove_below, expected_f1 = cut.threshold, cut.expected_f1
    else:
        remove_below, restore_above = fixed
        to_remove, bars = _threshold_decisions(doc, options, remove_below, restore_above, probabilities)
        expected_f1 = None
    words = None
    if model.lexical is not None and (to_remove or bars):
        from clean.learned.lexical import word_details

        words = word_details(model.lexical, [b.text for b in doc.blocks], [b.path or "" for b in doc.blocks])
    if fixed is not None:
        judged, notes = probabilities, {}
    # The removals' reasons are written when first read (model.DeferredRemoval): explaining
    # costs more than deciding, and callers who want only the text never read them.
    removal_reasons = ReasonsLater(model, matrix, to_remove, judged, remove_below, words, expected_f1)
    # So are the restored blocks' (model.DeferredOverride), and the notes that repeat them (model.Notes).
    restore_reasons: dict[int, Callable[[], str]] = {}
    restored = list(bars)
    if fixed is None:  # every restored block cleared the page's cut; a rule's removal also the overrule bar
        later = ReasonsLater(model, matrix, restored, judged, remove_below, words, expected_f1)
        for i in restored:
            after = f"; over a rule: at or above {bars[i]:.2f}" if bars[i] > 0 else ""
            restore_reasons[i] = partial(_with_note, partial(later.reason, i), after + notes.get(i, ""))
    else:
        for bar in sorted(set(bars.values())):
            rows = [i for i in restored if bars[i] == bar]
            later = ReasonsLater(model, matrix, rows, probabilities, bar, words)
            restore_reasons.update((i, partial(later.reason, i)) for i in rows)
    for index in to_remove:
        reason = partial(removal_reasons.reason, index)
        if index in notes:
            reason = partial(_with_note, reason, notes[index])
        doc.remove(doc.blocks[index], STAGE_NAME, REMOVE_RULE, reason)
    for index in restored:
        block = doc.blocks[index]
        override = doc.restore(block, STAGE_NAME, RESTORE_RULE, restore_reasons[index])
        if override is not None:  # the report shows notes beside kept blocks: say what was undone
            doc.note(index, partial(_restored_note, override))


STAGE = Stage(
    STAGE_NAME,
    run,
    kinds=("html",),
    summary="learned block scorer (decide mode by default): removes blocks it scores as boilerplate; "
    "in 'decide' mode also restores heuristic removals it scores as content",
)
