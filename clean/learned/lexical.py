"""Word-level evidence for the block model: what a block says, and what its markup calls it.

Two small linear models (logistic regression, fitted by
training/train_block_model.py on tune pages only; only words seen on pages of
several different sites are kept), shipped inside the block model's file:

- text words: the block's own lower-cased \\w+ tokens ("add", "cart",
  "reply", "posted", "sign"), each present word counting once, the sum
  scaled by 1/sqrt(distinct words) so that a long paragraph is not pushed to
  an extreme by the number of its words alone;
- class/id words: the words of the id and class names of the element the
  block sits in and its nearest ancestors (split at "-", "_", digits and
  camelCase humps), plus their tags ("<nav>", "<li>").

Each gives one log-odds of "content" per block. They are inputs to the trees
(clean/learned/features.py adds them, and their means over neighbouring blocks
and over the blocks of the same parent, as columns), never decisions of their
own. At run time they are dictionary look-ups and a few numpy sums.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from clean.frontends.html.path import SEPARATOR, parse_step

if TYPE_CHECKING:
    import numpy as np

    from clean.learned.features import Elements

WORD = re.compile(r"\w+")
# A name's words: runs of lower-case letters (after a capital, for camelCase) or of capitals.
_NAME_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
# The element the block sits in and this many ancestors above it give the class/id words.
CLASS_LEVELS = 10
# Only the start of a long block is read: its first words say what it is, and the cost stays flat.
MAX_TEXT_CHARS = 600


def text_words(text: str) -> set[str]:
    """The distinct lower-cased word tokens of (the start of) a block's text."""
    return set(WORD.findall(text[:MAX_TEXT_CHARS].lower()))


@lru_cache(maxsize=16384)
def step_words(step_text: str) -> frozenset[str]:
    """Words of one path step's id and classes, and its tag as "<tag>" (no sibling index needed)."""
    step = parse_step(step_text)
    words = {f"<{step.tag}>"} if step.tag else set()
    if step.role:
        words.add(f"role={step.role}")
    for name in (step.id, *step.classes):
        for piece in _NAME_WORD.findall(name):
            if len(piece) > 1:
                words.add(piece.lower())
    return frozenset(words)


@dataclass(frozen=True, eq=False)
class LinearWords:
    """A logistic regression over the presence of words: bias + scale * sum of the words' weights."""

    weights: dict[str, float]
    bias: float
    # Text: divide the sum by sqrt(distinct words); class/id: raw sums.
    normalise: bool

    def score(self, words: set[str] | frozenset[str]) -> float:
        total = sum(self.weights.get(w, 0.0) for w in words)
        if self.normalise and words:
            total /= math.sqrt(len(words))
        return self.bias + total

    def strongest(
        self, words: set[str] | frozenset[str], direction: int, top: int = 3
    ) -> list[tuple[str, float]]:
        """The words that pushed the score most in `direction` (+1 content, -1 boilerplate), scaled."""
        scale = 1.0 / math.sqrt(len(words)) if self.normalise and words else 1.0
        found = [(w, self.weights[w] * scale) for w in words if w in self.weights]
        found = [item for item in found if direction * item[1] > 0]
        found.sort(key=lambda item: direction * item[1], reverse=True)
        return found[:top]


@dataclass(frozen=True, eq=False)
class LexicalModel:
    text: LinearWords
    classes: LinearWords
    levels: int = CLASS_LEVELS

    def to_dict(self) -> dict:
        return {
            "levels": self.levels,
            "text": {"bias": self.text.bias, "weights": self.text.weights},
            "classes": {"bias": self.classes.bias, "weights": self.classes.weights},
        }

    def text_scores(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        return np.array([self.text.score(text_words(t)) for t in texts], dtype=np.float64)

    def element_words(self, elements: Elements) -> list[frozenset[str]]:
        """Per element: the class/id words of it and its `levels - 1` nearest ancestors."""
        own = [step_words(path.rpartition(SEPARATOR)[2]) for path in elements.paths]
        near: list[frozenset[str]] = [frozenset()] * len(own)
        parent = elements.parent.tolist()
        for level_ids in elements.levels:  # parents before children
            for element in level_ids.tolist():
                words = set(own[element])
                up = element
                for _ in range(self.levels - 1):
                    above = parent[up]
                    if above == up:
                        break
                    words |= own[above]
                    up = above
                near[element] = frozenset(words)
        return near

    def class_scores(self, elements: Elements) -> tuple[np.ndarray, list[frozenset[str]]]:
        """Per block: the class/id score of the element it sits in; and every element's words."""
        import numpy as np

        words = self.element_words(elements)
        per_element = np.array([self.classes.score(w) for w in words], dtype=np.float64)
        return per_element[elements.block_element], words


def model_from_dict(data: dict) -> LexicalModel:
    def linear(part: dict, normalise: bool) -> LinearWords:
        weights = {str(k): float(v) for k, v in part["weights"].items()}
        return LinearWords(weights, float(part["bias"]), normalise)

    return LexicalModel(
        text=linear(data["text"], True), classes=linear(data["classes"], False), levels=int(data["levels"])
    )


# Columns the block model reads (clean/learned/features.py appends them when the model has words).
TEXT_SCORE = "block words: content score"
CLASS_SCORE = "class/id words: content score"
LEXICAL_NAMES = (
    TEXT_SCORE,
    CLASS_SCORE,
    "mean of \u00b11 blocks: words score",
    "mean of \u00b13 blocks: words score",
    "mean of \u00b13 blocks: class/id score",
    "1-up ancestor's blocks: words score (mean)",
    "2-up ancestor's blocks: words score (mean)",
)


def _window_mean(values: np.ndarray, width: int) -> np.ndarray:
    import numpy as np

    n = len(values)
    cumulative = np.concatenate(([0.0], np.cumsum(values)))
    positions = np.arange(n)
    low = np.clip(positions - width, 0, n)
    high = np.clip(positions + width + 1, 0, n)
    return (cumulative[high] - cumulative[low]) / (high - low)


def _ancestor_means(values: np.ndarray, elements: Elements, ups: tuple[int, ...]) -> list[np.ndarray]:
    """Per block and level: the mean of `values` over the blocks inside its n-up ancestor."""
    import numpy as np

    count = len(elements.paths)
    sums = np.zeros((count, 2))
    sums[:, 0] = np.bincount(elements.block_element, weights=values, minlength=count)
    sums[:, 1] = np.bincount(elements.block_element, minlength=count)
    for ids in reversed(elements.levels[1:]):  # deepest first: children before parents
        np.add.at(sums, elements.parent[ids], sums[ids])
    means = sums[:, 0] / np.maximum(sums[:, 1], 1.0)
    found, ancestor, level = [], elements.block_element, 0
    for wanted in ups:
        while level < wanted:
            ancestor, level = elements.parent[ancestor], level + 1
        found.append(means[ancestor])
    return found


def lexical_columns(model: LexicalModel, texts: list[str], elements: Elements) -> np.ndarray:
    """The LEXICAL_NAMES columns (rows in block order), float32."""
    import numpy as np

    text = model.text_scores(texts)
    classes, _ = model.class_scores(elements)
    columns = [
        text,
        classes,
        _window_mean(text, 1),
        _window_mean(text, 3),
        _window_mean(classes, 3),
        *_ancestor_means(text, elements, (1, 2)),
    ]
    return np.stack(columns, axis=1).astype(np.float32)


def word_details(model: LexicalModel, texts: list[str], paths: list[str]):
    """A function (block index, column name, direction) -> the words behind that block's score, or ""."""

    def detail(index: int, name: str, direction: int) -> str:
        if name == TEXT_SCORE:
            words, linear, label = text_words(texts[index]), model.text, ""
        elif name == CLASS_SCORE:
            steps = paths[index].split(SEPARATOR)[-model.levels :] if paths[index] else []
            words = frozenset().union(*(step_words(s) for s in steps)) if steps else frozenset()
            linear, label = model.classes, ""
        else:
            return ""
        found = linear.strongest(words, direction)
        return label + ", ".join(f'"{w}" {v:+.2f}' for w, v in found)

    return detail
