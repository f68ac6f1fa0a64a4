"""Word-level evidence for the block model: what a block says, and what its markup calls it.

Two small linear models (logistic regression, fitted by
training/train_block_model.py on tune pages only; only words seen on pages of
several different sites are kept), shipped inside the block model's file:

- text words: the block's lower-cased \\w+ tokens ("add", "cart", "reply",
  "posted", "sign"), each occurrence counting, the sum scaled by
  1/sqrt(tokens) so that a long paragraph is not pushed to an extreme by its
  length alone;
- class/id words: the words of the id and class names of the element the
  block sits in and of its nearest ancestors (split at "-", "_", digits and
  camelCase humps), with their tags ("<nav>", "<li>"); each step counts its
  words, so a word on two nested elements counts twice.

Each gives one log-odds of "content" per block. They are inputs to the trees
(clean/learned/features.py adds them, and their means over neighbouring blocks
and over the blocks of the same parent, as columns), never decisions of their
own. At run time: one regex pass per block, dictionary look-ups, and numpy
sums along the page's element tree (a step's score is looked up once per page).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat
from typing import TYPE_CHECKING

from clean.frontends.html.path import SEPARATOR, without_index
from clean.vocabulary import word_tokens

if TYPE_CHECKING:
    import numpy as np

    from clean.learned.features import Elements

# A name's words: runs of lower-case letters (after a capital, for camelCase) or of capitals.
_NAME_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_NAMES_START = re.compile(r"[#.]")
# The element the block sits in and this many ancestors above it give the class/id words.
CLASS_LEVELS = 10
# Only the start of a long block is read: its first words say what it is, and the cost stays flat.
MAX_TEXT_CHARS = 600


def text_tokens(text: str) -> tuple[str, ...]:
    """The lower-cased word tokens of (the start of) a block's text.

    A short block's are the front end's, read back from the shared cache
    (clean/vocabulary.py): the same tokens, computed once.
    """
    return word_tokens(text[:MAX_TEXT_CHARS])


@lru_cache(maxsize=16384)
def step_words(step_text: str) -> tuple[str, ...]:
    """Words of one path step (without its sibling index): "<tag>", its role, the words of its
    id and class names (each once).

    Read straight from the step's text (tag, then "#id" and ".class" names, then
    "[key=value]" attributes; clean/frontends/html/path.py), one regex for all names.
    """
    bracket = step_text.find("[")
    head, attributes = (step_text[:bracket], step_text[bracket:]) if bracket >= 0 else (step_text, "")
    names_at = _NAMES_START.search(head)
    tag, names = (head[: names_at.start()], head[names_at.start() :]) if names_at else (head, "")
    words = [f"<{tag}>"] if tag else []
    role_at = attributes.find("[role=")
    if role_at >= 0:
        words.append("role=" + attributes[role_at + 6 : attributes.find("]", role_at)])
    words.extend(piece.lower() for piece in _NAME_WORD.findall(names) if len(piece) > 1)
    return tuple(dict.fromkeys(words))


def path_words(path: str, levels: int) -> list[str]:
    """The class/id words of a block: those of its path's last `levels` steps, with repeats."""
    steps = path.split(SEPARATOR)[-levels:] if path else []
    return list(chain.from_iterable(step_words(without_index(s)) for s in steps))


@dataclass(frozen=True, eq=False)
class LinearWords:
    """A logistic regression over word counts: bias + scale * sum of the weights of the words."""

    weights: dict[str, float]
    bias: float
    # Text: the sum over sqrt(tokens); class/id: the raw sum.
    normalise: bool

    def scale(self, words: Sequence[str]) -> float:
        return 1.0 / math.sqrt(len(words)) if self.normalise and words else 1.0

    def score(self, words: Sequence[str]) -> float:
        get = self.weights.get
        return self.bias + self.scale(words) * sum(get(w, 0.0) for w in words)

    def strongest(self, words: Sequence[str], direction: int, top: int = 3) -> list[tuple[str, float]]:
        """The words that pushed the score most in `direction` (+1 content, -1 boilerplate), scaled."""
        scale = self.scale(words)
        found = [(w, self.weights[w] * n * scale) for w, n in Counter(words).items() if w in self.weights]
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
        """Per text, LinearWords.score of its tokens: one list of look-ups, sums by numpy."""
        import numpy as np

        token_lists = [text_tokens(t) for t in texts]
        counts = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
        values = np.fromiter(
            map(self.text.weights.get, chain.from_iterable(token_lists), repeat(0.0)),
            dtype=np.float64,
            count=int(counts.sum()),
        )
        sums = np.zeros(len(texts))
        has = counts > 0
        if has.any():
            starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
            sums[has] = np.add.reduceat(values, starts[has])
        scale = 1.0 / np.sqrt(np.maximum(counts, 1)) if self.text.normalise else 1.0
        return self.text.bias + sums * scale

    def class_scores(self, elements: Elements, own_steps: list[str] | None = None) -> np.ndarray:
        """Per block: the class/id score of its element's and `levels - 1` ancestors' words.

        `own_steps`: each element's last path step without its index (features.py
        has them). Steps add up along the tree: an element's running sum minus
        that of its ancestor `levels` steps up.
        """
        import numpy as np

        if own_steps is None:
            own_steps = [without_index(path.rpartition(SEPARATOR)[2]) for path in elements.paths]
        get = self.classes.weights.get
        step_scores: dict[str, float] = {}
        for step in own_steps:
            if step not in step_scores:
                step_scores[step] = sum(get(w, 0.0) for w in step_words(step))
        own = np.array([step_scores[step] for step in own_steps], dtype=np.float64)
        running = elements.down(own, np.add)
        count = len(own)
        # One more slot: "above the top", whose running sum is 0.
        above = np.append(np.where(elements.parent == np.arange(count), count, elements.parent), count)
        running = np.append(running, 0.0)
        ancestor = np.arange(count)
        for _ in range(self.levels):
            ancestor = above[ancestor]
        per_element = self.classes.bias + running[:count] - running[ancestor]
        return per_element[elements.block_element]


def model_from_dict(data: dict) -> LexicalModel:
    def linear(part: dict, normalise: bool) -> LinearWords:
        weights = {str(k): float(v) for k, v in part["weights"].items()}
        return LinearWords(weights, float(part["bias"]), normalise)

    return LexicalModel(
        text=linear(data["text"], True), classes=linear(data["classes"], False), levels=int(data["levels"])
    )


# Columns the block model reads (clean/learned/features.py appends them when the model has words).
TEXT_SCORE = "block words: content score"
CLASS_SCORE = "class/id names: content score"
LEXICAL_NAMES = (
    TEXT_SCORE,
    CLASS_SCORE,
    "mean of \u00b11 blocks: words score",
    "mean of \u00b13 blocks: words score",
    "mean of \u00b13 blocks: class/id names score",
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


def lexical_columns(
    model: LexicalModel, texts: list[str], elements: Elements, own_steps: list[str] | None = None
) -> np.ndarray:
    """The LEXICAL_NAMES columns (rows in block order), float32."""
    import numpy as np

    text = model.text_scores(texts)
    classes = model.class_scores(elements, own_steps)
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
            words, linear = text_tokens(texts[index]), model.text
        elif name == CLASS_SCORE:
            words, linear = path_words(paths[index], model.levels), model.classes
        else:
            return ""
        return ", ".join(f'"{w}" {v:+.2f}' for w, v in linear.strongest(words, direction))

    return detail
