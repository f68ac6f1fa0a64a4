"""The learned scorer as a pipeline stage (HTML), gated by Options.learned_scorer.

Rules stay the first stage; the model then judges the page after them:

- "remove": a second opinion after the heuristics. Kept blocks it scores
  below the threshold are removed (rule "learned-boilerplate").
- "decide" (the default): the model replaces the heuristics' verdicts. Besides removing as
  above, it restores blocks that a heuristic stage (main content, headline
  lists) removed when it scores them at or above the restore threshold
  (Document.restore; the undone removal stays in Document.overridden, and the
  restored block gets a note saying why). Removals by the rule stages (DOM
  rules, cues, crumbs, menus, page edges) are undone the same way only at or
  above the higher bar Options.learned_overrule_above (0.7); adverts, cookie
  banners, popups, consent dialogs and repeats never.
- "off": nothing.

"decide" is the default (held-out WCXB F1 0.846 -> 0.857 with the single-pass
model; figures in training/README.md).

Every reason is the model's explanation: the probability against the
threshold and the features that pushed the block most.
"""

from __future__ import annotations

from clean.model import Document
from clean.options import Options
from clean.stage import Stage

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
# for the same reason.
HARD_RULES = frozenset({"advert", "cookie-banner", "popup", "comments"})


def _restore_bar(stage: str, rule: str, restore_above: float, overrule_above: float | None) -> float | None:
    """The probability at or above which a removal by `stage`/`rule` is undone; None: never."""
    if stage in OVERRULABLE_STAGES:
        return restore_above
    if stage in RULE_STAGES and rule not in HARD_RULES and overrule_above is not None:
        return max(restore_above, overrule_above)
    return None


def _thresholds(options: Options, shipped: float) -> tuple[float, float]:
    remove = options.learned_remove_below
    restore = options.learned_restore_above
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


def run(doc: Document, options: Options) -> None:
    mode = options.learned_scorer
    if mode not in MODES:
        raise ValueError(f"learned_scorer must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "off" or not doc.blocks:
        return
    from clean.learned.explain import explain_rows
    from clean.learned.model import shipped_model

    model = shipped_model()
    remove_below, restore_above = _thresholds(options, model.stage_threshold)
    matrix = model.features(doc)
    probabilities = model.probabilities(matrix)
    to_remove = [
        b.index
        for b in doc.blocks
        if b.kept and probabilities[b.index] < remove_below and options.enabled(REMOVE_RULE)
    ]
    bars: dict[int, float] = {}  # block index -> the bar it cleared, in block order
    if mode == "decide" and options.enabled(RESTORE_RULE):
        for b in doc.blocks:
            if b.removal is None or b.removal.rule in KEEP_RULES:
                continue
            bar = _restore_bar(b.removal.stage, b.removal.rule, restore_above, options.learned_overrule_above)
            if bar is not None and probabilities[b.index] >= bar:
                bars[b.index] = bar
    to_restore = list(bars)
    to_remove = _spare_one(doc, to_remove, to_restore, probabilities)
    words = None
    if model.lexical is not None:
        from clean.learned.lexical import word_details

        words = word_details(model.lexical, [b.text for b in doc.blocks], [b.path or "" for b in doc.blocks])
    reasons = explain_rows(model, matrix, to_remove, probabilities, remove_below, words)
    for bar in sorted(set(bars.values())):
        rows = [i for i in to_restore if bars[i] == bar]
        reasons.update(explain_rows(model, matrix, rows, probabilities, bar, words))
    for index in to_remove:
        doc.remove(doc.blocks[index], STAGE_NAME, REMOVE_RULE, reasons[index])
    for index in to_restore:
        block = doc.blocks[index]
        override = doc.restore(block, STAGE_NAME, RESTORE_RULE, reasons[index])
        if override is not None:  # the report shows notes beside kept blocks: say what was undone
            undone = override.removal
            doc.notes[index] = f"restored over {undone.stage}/{undone.rule}; {reasons[index]}"


STAGE = Stage(
    STAGE_NAME,
    run,
    kinds=("html",),
    summary="learned block scorer (decide mode by default): removes blocks it scores as boilerplate; "
    "in 'decide' mode also restores heuristic removals it scores as content",
)
