"""Site templates: learned per host from the batch, removed with their own rule, never over-eager."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

import clean
from clean.batch.runner import BatchConfig, run_batch
from clean.batch.templates import TemplateLearner
from clean.heuristics.site_template import SiteTemplates, fingerprint, host_of
from clean.options import Options

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "batch"
WCXB = Path(__file__).resolve().parents[2] / "shared" / "data" / "wcxb"


def run(tmp_path: Path, source: Path, **kwargs) -> dict[str, dict]:
    out = tmp_path / "out.jsonl"
    run_batch(BatchConfig(inputs=[str(source)], output=str(out), progress=False, jobs=1, **kwargs),
              log=io.StringIO())
    return {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


def template_removals(row: dict) -> list[dict]:
    return [r for r in row["removed"] if r["rule"] == "site-template"]


def test_fingerprints_ignore_digits_case_and_spacing():
    assert fingerprint("© 2023 Example  Inc.") == fingerprint("© 2024 example inc.")
    assert fingerprint("12 comments") == fingerprint("3 comments")
    assert fingerprint("Sign up") != fingerprint("Sign in")
    assert host_of("https://www.Example.com/a?b") == "example.com" and host_of(None) is None


def test_learner_needs_both_enough_pages_and_enough_share():
    options = Options(site_template_min_pages=4, site_template_min_share=0.5)
    learner = TemplateLearner(options)
    for page in range(10):
        blocks = {1}  # on every page: template
        if page < 4:
            blocks.add(2)  # on 4 of 10 pages: enough pages, too small a share
        if page < 3:
            learner.add("small.example", {3})  # 3 of 3 pages: full share, too few pages
        learner.add("big.example", blocks)
    templates = learner.templates()
    assert set(templates.hosts) == {"big.example"}
    assert dict(templates.hosts["big.example"].blocks) == {1: 10}


def test_pruning_keeps_frequent_blocks_and_never_overcounts():
    options = Options(site_template_min_pages=4, site_template_min_share=0.5)
    learner = TemplateLearner(options)
    for page in range(200):
        learner.add("h.example", {7, 1000 + page} | ({8} if page % 3 == 0 else set()))
    counts = learner.hosts["h.example"].counts
    assert len(counts) < 60  # one-off blocks were pruned as pages went by
    assert counts[7][0] == 200 and counts[8][0] <= 67
    assert set(learner.templates().hosts["h.example"].blocks) == {7}


def test_without_templates_the_stage_does_nothing():
    text = (FIXTURES / "site.jsonl").read_text(encoding="utf-8").splitlines()[0]
    page = json.loads(text)["text"]
    plain = clean.clean_text(page)
    assert not [r for r in plain.removed if r.rule == "site-template"]
    learned = SiteTemplates.from_json({"other.example": {"pages": 9, "blocks": {"00": 9}}})
    assert clean.clean_text(page, site_templates=learned).text == plain.text


def test_batch_removes_the_site_chrome_and_keeps_a_passage_two_pages_quote(tmp_path):
    rows = run(tmp_path, FIXTURES / "site.jsonl")
    quote = "We will rebuild the harbour wall"
    promo = "Readers of the Daily Planet Gazette can now follow every story on the go"
    for row in rows.values():
        # Chrome goes, by whichever rule explains it first.
        assert "Daily Planet" not in row["text"] and "All rights reserved" not in row["text"]
        assert "Updated" not in row["text"].split("\n")[0]
        # The promotion inside the article is prose no page-level rule catches: only the batch does.
        (removal,) = [r for r in row["removed"] if r["text"].startswith(promo)]
        assert removal["rule"] == "site-template"
        reason = "the same block appeared on 8 of the 8 pages of dailyplanet.example in this batch"
        assert removal["reason"] == reason
        for removal in template_removals(row):
            assert quote not in removal["text"]
    assert quote in rows["page-2"]["text"] and quote in rows["page-5"]["text"]
    assert all(len(row["text"]) > 500 for row in rows.values())  # the articles stay


def test_no_site_templates_switch(tmp_path):
    rows = run(tmp_path, FIXTURES / "site.jsonl", site_templates=False)
    assert not any(template_removals(row) for row in rows.values())


def wcxb_host_pages(host: str) -> list[tuple[str, str, str]]:
    meta = json.loads((WCXB / "metadata.json").read_text())["files"]
    pages = []
    for page_id, info in sorted(meta.items()):
        if info["domain"] == host:
            truth = json.loads((WCXB / "dev" / "ground-truth" / f"{page_id}.json").read_text())
            html = gzip.decompress((WCXB / "dev" / "html" / f"{page_id}.html.gz").read_bytes()).decode()
            pages.append((page_id, truth["url"], html))
    return pages


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
def test_real_pages_of_one_host_lose_template_blocks_not_their_gold_text(tmp_path):
    # iFixit: 7 pages of one shop (none is held out).
    pages = wcxb_host_pages("ifixit.com")
    assert len(pages) == 7 and all(int(pid) % 5 for pid, _, _ in pages)
    source = tmp_path / "site.jsonl"
    source.write_text("".join(json.dumps({"id": i, "url": u, "html": h}) + "\n" for i, u, h in pages))
    with_templates = run(tmp_path / "a", source)
    without = run(tmp_path / "b", source, site_templates=False)
    removed_anywhere = 0
    for page_id, _, _ in pages:
        truth = json.loads((WCXB / "dev" / "ground-truth" / f"{page_id}.json").read_text())["ground_truth"]
        removals = template_removals(with_templates[page_id])
        removed_anywhere += len(removals)
        for removal in removals:
            assert "of the 7 pages of ifixit.com" in removal["reason"]
        # Whatever the gold says must be in the output is still there.
        for snippet in truth.get("with") or []:
            if snippet in without[page_id]["text"]:
                assert snippet in with_templates[page_id]["text"]
        # And the template pass never makes the output longer.
        assert len(with_templates[page_id]["text"]) <= len(without[page_id]["text"])
    assert removed_anywhere > 0
