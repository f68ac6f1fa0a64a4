"""The visual report: self-contained HTML pages, one per document plus a batch index.

A document page shows the input's text view (the same layout as the diff's
"input" side) with every removed piece left in place, struck through and
tinted in its rule's colour; the rule and reason sit beside the block and in
the piece's tooltip. A legend counts the pieces per rule and its checkboxes
hide or show each rule's pieces. Everything is inline (CSS, JS, SVG): a page
can be mailed, archived or opened from disk with no network.

    render_document(result, title=None) -> str
    render_batch([(name, result, label), ...], errors=[(name, message)]) -> {path: html}
    write_batch(directory, entries, errors) -> index path
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib.resources import files
from pathlib import Path

from clean.model import Block, Removal, Repair
from clean.options import Options
from clean.report.render import laid_out
from clean.result import Result

BatchEntry = tuple[str, Result, str]  # (unique name, result, label shown to people)
BatchError = tuple[str, str]  # (name, error message)


# ---------------------------------------------------------------- assets and colours


@cache
def _asset(name: str) -> str:
    return files("clean.report").joinpath("assets", name).read_text(encoding="utf-8")


# Hand-picked hues, far apart in the order they are handed out; after them,
# golden-angle steps keep any further rules apart from their neighbours.
_HUES = (212, 28, 135, 350, 270, 50, 185, 320, 95, 240, 12, 160)


def _hue(index: int) -> float:
    if index < len(_HUES):
        return _HUES[index]
    return (index * 137.508 + 8.0) % 360


def rule_colours(rules: Iterable[str]) -> dict[str, int]:
    """A colour slot per rule, in sorted order, so one batch colours a rule the same everywhere."""
    return {rule: i for i, rule in enumerate(sorted(set(rules)))}


def _colour_css(colours: dict[str, int]) -> str:
    lines = []
    for slot in sorted(set(colours.values())):
        hue = _hue(slot)
        lines.append(
            f".c{slot}{{--c:hsl({hue:.0f} 65% 55%);--c-ink:hsl({hue:.0f} 70% 32%);"
            f"--tint:hsl({hue:.0f} 85% 93%)}}"
        )
    return "\n".join(lines)


def _page(title: str, body: str, colours: dict[str, int]) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="clean">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>\n{_asset('report.css')}\n{_colour_css(colours)}\n</style>\n"
        "</head>\n<body>\n"
        f"{body}\n"
        f"<script>\n{_asset('report.js')}\n</script>\n"
        "</body>\n</html>\n"
    )


# ---------------------------------------------------------------- figures


@dataclass(frozen=True, slots=True)
class Figures:
    """What the index and the page header say about one document."""

    chars_in: int
    chars_out: int
    removals: int
    blocks: int
    per_rule: Counter[str]
    chars_per_rule: Counter[str]

    @classmethod
    def of(cls, result: Result) -> Figures:
        per_rule: Counter[str] = Counter()
        chars_per_rule: Counter[str] = Counter()
        for removal in result.removed:
            per_rule[removal.rule] += 1
            chars_per_rule[removal.rule] += len(removal.text)
        return cls(
            chars_in=len(result.input_text()),
            chars_out=len(result.text),
            removals=len(result.removed),
            blocks=len(result.document.blocks),
            per_rule=per_rule,
            chars_per_rule=chars_per_rule,
        )

    @property
    def kept_share(self) -> float:
        return self.chars_out / self.chars_in if self.chars_in else 1.0


# ---------------------------------------------------------------- one document


def _tooltip(removal: Removal) -> str:
    return f"{removal.rule}: {removal.reason} (stage {removal.stage})"


def _piece(removal: Removal, text: str, colours: dict[str, int]) -> str:
    return (
        f'<del class="rm c{colours[removal.rule]}" data-rule="{escape(removal.rule)}" '
        f'data-stage="{escape(removal.stage)}" title="{escape(_tooltip(removal))}">{escape(text)}</del>'
    )


def _note(removal: Removal, colours: dict[str, int]) -> str:
    return (
        f'<span class="note c{colours[removal.rule]}" data-rule="{escape(removal.rule)}" '
        f'title="{escape(_tooltip(removal))}">'
        f"<b>{escape(removal.rule)}</b> {escape(removal.reason)}</span>"
    )


def _block_text(block: Block, colours: dict[str, int]) -> str:
    """The block's full input text, with each trimmed span marked where it sits."""
    if block.removal is not None:
        return _piece(block.removal, block.text, colours)
    out, cursor = [], 0
    for trim in sorted(block.trims, key=lambda t: t.start):
        start = max(trim.start, cursor)
        out.append(escape(block.text[cursor:start]))
        out.append(_piece(trim, block.text[start : trim.end], colours))
        cursor = max(cursor, trim.end)
    out.append(escape(block.text[cursor:]))
    return "".join(out)


def _repair_note(repair: Repair) -> str:
    # The block shows the repaired text, as the stages read it; the note keeps the input's.
    steps = ", ".join(repair.steps)
    before = escape(repair.before)
    return f'<span class="note repair-note">repaired (ftfy: {escape(steps)}); the input had: {before}</span>'


def _block(
    block: Block, separated: bool, colours: dict[str, int], note: str | None, repair: Repair | None = None
) -> str:
    classes = ["block", f"k-{re.sub(r'[^a-z0-9-]', '', block.kind.lower()) or 'block'}"]
    if separated:
        classes.append("sep")
    attrs = f'data-block="{block.index}" data-kind="{escape(block.kind)}"'
    if block.removal is not None:
        # The whole row belongs to the rule: hiding the rule hides the row.
        classes += ["removed", f"c{colours[block.removal.rule]}"]
        attrs += f' data-rule="{escape(block.removal.rule)}"'
        notes = _note(block.removal, colours)
    else:
        notes = "".join(_note(t, colours) for t in sorted(block.trims, key=lambda t: t.start))
        if note and not block.trims:
            notes = f'<span class="note kept-note">kept: {escape(note)}</span>'
    if repair is not None:
        notes += _repair_note(repair)
    return (
        f'<div class="{" ".join(classes)}" {attrs}>'
        f'<div class="text">{_block_text(block, colours)}</div>'
        f'<div class="why">{notes}</div></div>'
    )


def _text_view(result: Result, colours: dict[str, int]) -> str:
    doc = result.document
    repairs = {repair.block: repair for repair in doc.repaired}
    rows = [
        _block(block, separated, colours, doc.notes.get(block.index), repairs.get(block.index))
        for block, separated, _ in laid_out(doc.blocks, kept_only=False)
    ]
    if not rows:
        return '<main class="view"><p class="hint">The input has no text.</p></main>'
    return '<main class="view">\n' + "\n".join(rows) + "\n</main>"


def _legend(figures: Figures, colours: dict[str, int]) -> str:
    if not figures.per_rule:
        return '<section><h2>Removals</h2><p class="hint">Nothing was removed.</p></section>'
    labels = []
    for rule, count in sorted(figures.per_rule.items(), key=lambda item: (-item[1], item[0])):
        chars = figures.chars_per_rule[rule]
        labels.append(
            f'<label class="c{colours[rule]}" title="show or hide what {escape(rule)} removed">'
            f'<input type="checkbox" checked data-filter="{escape(rule)}">'
            f'<span class="swatch"></span>{escape(rule)} <span class="count">{count}</span>'
            f'<span class="chars">{chars:,} chars</span></label>'
        )
    buttons = (
        '<button type="button" data-set-all="on">show all</button>'
        '<button type="button" data-set-all="off">hide all</button>'
    )
    return (
        f"<section><h2>Removals by rule</h2>"
        f'<div class="legend" id="legend">{"".join(labels)}{buttons}</div>'
        f'<p class="hint">Removed text is struck through in its rule\'s colour; hover a piece for '
        f"its rule and reason. Untick a rule to hide its pieces.</p></section>"
    )


def _metadata(result: Result) -> str:
    doc = result.document
    rows: list[tuple[str, str]] = []
    if doc.url:
        # The URL the caller gave; the page's own (canonical) URL, if any, is "url" below.
        rows.append(("source url", doc.url))
    rows.append(("input", doc.kind))
    rows += [(key, str(value)) for key, value in sorted(result.metadata.items()) if value]
    changed = _changed_options(result.options)
    if changed:
        rows.append(("options", changed))
    body = "".join(f"<dt>{escape(k)}</dt><dd>{_maybe_link(k, v)}</dd>" for k, v in rows)
    return f'<section><h2>Metadata</h2><dl class="meta">{body}</dl></section>'


def _maybe_link(key: str, value: str) -> str:
    if key in ("url", "source url") and value.startswith(("http://", "https://")):
        return f'<a href="{escape(value)}" rel="noreferrer noopener">{escape(value)}</a>'
    return escape(value)


def _changed_options(options: Options) -> str:
    """Only the options that differ from the defaults: the ones a reader needs to know."""
    defaults, current = Options().to_dict(), options.to_dict()
    return ", ".join(f"{key}={current[key]!r}" for key in current if current[key] != defaults[key])


def _figures_line(figures: Figures) -> str:
    return (
        f'<p class="figures"><b>{figures.chars_in:,}</b> characters in, '
        f"<b>{figures.chars_out:,}</b> out ({figures.kept_share:.0%} kept) · "
        f"<b>{figures.removals}</b> removal{'s' if figures.removals != 1 else ''} · "
        f"{figures.blocks} blocks</p>"
    )


def _default_title(result: Result) -> str:
    return result.metadata.get("title") or result.document.url or "clean report"


def _document_body(result: Result, title: str, colours: dict[str, int], back: str | None) -> str:
    figures = Figures.of(result)
    crumb = f'<div class="crumb"><a href="{escape(back)}">&larr; all documents</a></div>' if back else ""
    return (
        f"<header>{crumb}<h1>{escape(title)}</h1>{_figures_line(figures)}</header>\n"
        f"{_metadata(result)}\n{_legend(figures, colours)}\n{_text_view(result, colours)}\n"
        f'<details class="output"><summary>Clean text ({figures.chars_out:,} characters)</summary>'
        f"<pre>{escape(result.text)}</pre></details>"
    )


def render_document(
    result: Result,
    title: str | None = None,
    *,
    colours: dict[str, int] | None = None,
    back_link: str | None = None,
) -> str:
    """A complete, self-contained HTML page showing what was removed from one document and why.

    `colours` maps rule names to colour slots (see `rule_colours`); a batch passes
    one map so a rule has the same colour on every page. `back_link` adds a link
    to the batch index.
    """
    title = title or _default_title(result)
    colours = dict(colours or {})
    for removal in result.removed:
        if removal.rule not in colours:
            colours[removal.rule] = max(colours.values(), default=-1) + 1
    return _page(f"{title} - clean report", _document_body(result, title, colours, back_link), colours)


# ---------------------------------------------------------------- batch


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return slug[-80:] or "document"


def document_paths(names: Sequence[str]) -> list[str]:
    """A unique, filesystem-safe relative path for each document page, in order."""
    width = max(4, len(str(len(names))))
    return [f"docs/{i:0{width}d}-{_slug(name)}.html" for i, name in enumerate(names, 1)]


def _chart(per_rule: Counter[str], chars_per_rule: Counter[str], colours: dict[str, int]) -> str:
    """Horizontal bars: removals per rule, widest first, as inline SVG."""
    if not per_rule:
        return '<p class="hint">Nothing was removed.</p>'
    ranked = sorted(per_rule.items(), key=lambda item: (-item[1], item[0]))
    label_width, bar_width, row = 190, 420, 22
    top = ranked[0][1]
    width_all, height = label_width + bar_width + 160, row * len(ranked) + 6
    parts = [
        f'<svg class="chart" role="img" aria-label="removals per rule" width="{width_all}" '
        f'height="{height}" viewBox="0 0 {width_all} {height}">'
    ]
    for i, (rule, count) in enumerate(ranked):
        y = i * row + 3
        width = max(2.0, bar_width * count / top)
        parts.append(
            f'<g class="bar c{colours[rule]}" data-rule="{escape(rule)}" data-count="{count}">'
            f"<title>{escape(rule)}: {count} removals, {chars_per_rule[rule]:,} characters</title>"
            f'<text x="{label_width - 8}" y="{y + 14}" text-anchor="end">{escape(rule)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{width:.1f}" height="{row - 6}" rx="3" '
            f'style="fill:var(--c)"></rect>'
            f'<text class="value" x="{label_width + width + 6:.1f}" y="{y + 14}">'
            f"{count:,} ({chars_per_rule[rule]:,} chars)</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _mix(figures: Figures, colours: dict[str, int]) -> str:
    """A small stacked bar: the share of the input each rule removed."""
    if not figures.chars_in:
        return ""
    spans = "".join(
        f'<span class="c{colours[rule]}" style="width:{100 * chars / figures.chars_in:.2f}%" '
        f'title="{escape(rule)}: {chars:,} chars"></span>'
        for rule, chars in sorted(figures.chars_per_rule.items(), key=lambda item: -item[1])
    )
    return f'<div class="mix">{spans}</div>'


def _index(
    entries: Sequence[BatchEntry],
    paths: Sequence[str],
    all_figures: Sequence[Figures],
    errors: Sequence[BatchError],
    colours: dict[str, int],
    title: str,
) -> str:
    per_rule: Counter[str] = Counter()
    chars_per_rule: Counter[str] = Counter()
    for figures in all_figures:
        per_rule.update(figures.per_rule)
        chars_per_rule.update(figures.chars_per_rule)
    chars_in = sum(f.chars_in for f in all_figures)
    chars_out = sum(f.chars_out for f in all_figures)
    totals = [
        (f"{len(entries):,}", "documents"),
        (f"{len(errors):,}", "errors"),
        (f"{chars_in:,}", "characters in"),
        (f"{chars_out:,}", "characters out"),
        (f"{chars_out / chars_in:.0%}" if chars_in else "-", "kept"),
        (f"{sum(per_rule.values()):,}", "removals"),
    ]
    rows = []
    for (name, result, label), path, figures in zip(entries, paths, all_figures, strict=True):
        shown = label or name
        rows.append(
            "<tr>"
            f'<td class="name" data-value="{escape(shown)}"><a href="{escape(path)}">{escape(shown)}</a></td>'
            f'<td data-value="{escape(result.document.kind)}">{escape(result.document.kind)}</td>'
            f'<td class="num" data-value="{figures.chars_in}">{figures.chars_in:,}</td>'
            f'<td class="num" data-value="{figures.chars_out}">{figures.chars_out:,}</td>'
            f'<td class="num" data-value="{figures.kept_share:.4f}">{figures.kept_share:.0%}</td>'
            f'<td class="num" data-value="{figures.removals}">{figures.removals}</td>'
            f'<td data-value="{figures.chars_in - figures.chars_out}">{_mix(figures, colours)}</td>'
            "</tr>"
        )
    table = (
        '<table class="docs" id="documents"><thead><tr><th>document</th><th>input</th>'
        "<th>chars in</th><th>chars out</th><th>kept</th><th>removals</th><th>removed by rule</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    error_list = ""
    if errors:
        items = "".join(
            f'<li><span class="error">{escape(name)}</span>: {escape(message)}</li>'
            for name, message in errors
        )
        error_list = f'<section><h2>Errors</h2><ul id="errors">{items}</ul></section>'
    totals_html = "".join(f"<div><b>{value}</b><span>{what}</span></div>" for value, what in totals)
    return (
        f'<header><h1>{escape(title)}</h1><div class="totals">{totals_html}</div></header>\n'
        f"<section><h2>Removals per rule</h2>{_chart(per_rule, chars_per_rule, colours)}</section>\n"
        f"<section><h2>Documents</h2>{table}</section>\n{error_list}"
    )


def render_batch(
    entries: Sequence[BatchEntry],
    errors: Sequence[BatchError] = (),
    *,
    title: str = "clean batch report",
) -> dict[str, str]:
    """Pages for a batch: {"index.html": ..., "docs/0001-NAME.html": ..., ...}.

    `entries` are (name, result, label): `name` identifies the document (a path
    or record id; it becomes part of the page's file name), `label` is what the
    index and the page title show (a URL or path; `name` when empty). `errors`
    are (name, message) for inputs that failed; the index lists them. Keys are
    paths relative to the report directory; pages link to each other relatively.
    """
    paths = document_paths([name for name, _, _ in entries])
    colours = rule_colours(r.rule for _, result, _ in entries for r in result.removed)
    all_figures = [Figures.of(result) for _, result, _ in entries]
    pages = {"index.html": _page(title, _index(entries, paths, all_figures, errors, colours, title), colours)}
    for (name, result, label), path in zip(entries, paths, strict=True):
        pages[path] = render_document(result, label or name, colours=colours, back_link="../index.html")
    return pages


def write_batch(
    directory: str | Path,
    entries: Sequence[BatchEntry],
    errors: Sequence[BatchError] = (),
    *,
    title: str = "clean batch report",
) -> Path:
    """Write `render_batch` pages under `directory`; returns the index page's path."""
    root = Path(directory)
    for relative, page in render_batch(entries, errors, title=title).items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page, encoding="utf-8")
    return root / "index.html"
