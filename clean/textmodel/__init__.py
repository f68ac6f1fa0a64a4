"""The learned line model of text mode: features per line, a small tree ensemble, and the stage.

`features` describes each line (its shape, what the rule stages made of it,
its neighbours); `trees` evaluates the shipped ensemble with numpy; `stage`
decodes the page: the article is the stretch of lines with the best summed
log-odds, and inside it only lines the model is sure about go. The model is
trained by training/text_train.py on WCXB tune pages.
"""
