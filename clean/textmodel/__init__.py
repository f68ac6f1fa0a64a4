"""The learned line model of text mode: features per line, a small tree ensemble, and the stage.

`features` describes each line (its shape, what the rule stages made of it,
its neighbours, its words); `trees` evaluates the shipped ensemble with numpy,
whose second pass reads the first pass's log-odds around each line (`context`);
`stage` keeps the most probable lines up to the cut with the page's best
expected F1 (`decode`). The model is trained by training/text_train.py on WCXB
tune pages.
"""
