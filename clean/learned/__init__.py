"""A small learned block scorer for the HTML path.

The rules run first; this scorer gives a second opinion on what they left (or,
as the decision-maker, replaces the main-content heuristic's verdicts). It is a
small gradient-boosted tree ensemble over block features, shipped as JSON in
`data/`, trained by `training/train_block_model.py`, evaluated with numpy, and
every decision it makes comes with the features that pushed it most.

features.py  block feature vectors from a parsed HTML Document
model.py     the shipped model: load, score every block of a page at once
explain.py   per-block reasons: probability and the strongest features
stacking.py  second-pass features: the first pass's probabilities around each block
stage.py     the pipeline stage (Options.learned_scorer: off / remove / decide, the default)
"""
