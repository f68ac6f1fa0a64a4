"""The Scrapy item pipeline: settings, items of every kind, errors as fields, and a real crawl.

The crawl runs Scrapy's CrawlerProcess in a subprocess against the fixture
pages served by a local http.server on 127.0.0.1 (a free port), and compares
every cleaned item with a direct call to the API.
"""

from __future__ import annotations

import functools
import gzip
import json
import shutil
import subprocess
import sys
import textwrap
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import clean

scrapy = pytest.importorskip("scrapy", reason="scrapy is not installed (pip install -e '.[test]')")
from scrapy.http import HtmlResponse, Request  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

from clean.scrapy import CleanPipeline  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
SEEDS = sorted((FIXTURES / "seeds" / "input").glob("*.txt"))
PAGES = sorted((FIXTURES / "html").glob("*.html"))
BINARY = FIXTURES / "hostile" / "pages" / "png-as-html.html"
WCXB = ROOT.parent / "shared" / "data" / "wcxb" / "dev" / "html"


def pipeline(**settings) -> CleanPipeline:
    crawler = get_crawler(settings_dict=settings)
    return CleanPipeline.from_crawler(crawler)


def news_article() -> tuple[bytes, str]:
    return (FIXTURES / "html" / "news_article.html").read_bytes(), "https://courier.example/news/tidal-mill"


# ---------------------------------------------------------------- the pipeline on its own


def test_a_dict_item_with_html_gets_the_api_result():
    html, url = news_article()
    item = pipeline().process_item({"url": url, "html": html.decode("utf-8")})
    expected = clean.clean_html(html.decode("utf-8"), url)
    assert item["text"] == expected.text and expected.removed
    assert item["removed"] == [r.to_dict() for r in expected.removed]
    assert item["metadata"] == expected.metadata and "clean_error" not in item
    assert item["html"] == html.decode("utf-8"), "the input stays unless CLEAN_DROP_INPUT is set"


def test_bytes_and_a_scrapy_response_work_as_html():
    html, url = news_article()
    expected = clean.clean_html(html, url)
    from_bytes = pipeline().process_item({"url": url, "html": html})
    assert from_bytes["text"] == expected.text
    response = HtmlResponse(url=url, body=html, encoding="utf-8", request=Request(url))
    # process_item(item, spider) is how Scrapy < 2.13 calls it; the URL comes from the Response.
    item = pipeline(CLEAN_HTML_FIELD="page", CLEAN_DROP_INPUT=True).process_item({"page": response}, None)
    assert item["text"] == expected.text and "page" not in item
    assert item["metadata"] == expected.metadata


def test_extracted_text_is_cleaned_as_text():
    seed = SEEDS[-1].read_text(encoding="utf-8")
    item = pipeline().process_item({"raw_text": seed})
    expected = clean.clean_text(seed)
    assert expected.removed and item["text"] == expected.text
    assert [r["rule"] for r in item["removed"]] == [r.rule for r in expected.removed]


def test_clean_options_reach_the_pipeline():
    html, url = news_article()
    plain = pipeline().process_item({"url": url, "html": html})
    rules = {r["rule"] for r in plain["removed"]}
    assert "cookie-banner" in rules
    tuned = pipeline(CLEAN_OPTIONS={"disable": ["cookie-banner"]}).process_item({"url": url, "html": html})
    assert "cookie-banner" not in {r["rule"] for r in tuned["removed"]}
    direct = clean.clean_html(html, url, disable=["cookie-banner"])
    assert tuned["removed"] == [r.to_dict() for r in direct.removed] != plain["removed"]
    assert tuned["text"] == direct.text


def test_a_misspelt_option_stops_the_crawl_at_start():
    with pytest.raises(ValueError, match="CLEAN_OPTIONS.*headline_min_rnu"):
        pipeline(CLEAN_OPTIONS={"headline_min_rnu": 3})


def test_field_names_come_from_the_settings():
    html, url = news_article()
    item = pipeline(
        CLEAN_HTML_FIELD="body",
        CLEAN_URL_FIELD="link",
        CLEAN_TEXT_FIELD="article",
        CLEAN_REMOVED_FIELD=None,
        CLEAN_METADATA_FIELD="meta",
        CLEAN_DIFF_FIELD="diff",
    ).process_item({"link": url, "body": html})
    expected = clean.clean_html(html, url)
    assert set(item) == {"link", "body", "article", "meta", "diff"}
    assert item["article"] == expected.text and item["diff"] == expected.diff()


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
def test_the_restored_blocks_are_a_field_when_asked_for():
    html = gzip.decompress((WCXB / "0009.html.gz").read_bytes())  # a tune page: a crumb the scorer kept
    expected = clean.clean_html(html).to_dict(with_diff=False)["restored"]
    assert expected
    assert "restored" not in pipeline().process_item({"html": html}), "off unless a field is named"
    item = pipeline(CLEAN_RESTORED_FIELD="restored").process_item({"html": html})
    assert item["restored"] == expected


@pytest.mark.skipif(not WCXB.exists(), reason="the WCXB pages are not at ../shared/data/wcxb")
def test_the_repairs_are_a_field_when_asked_for():
    html = gzip.decompress((WCXB / "0273.html.gz").read_bytes())  # a tune page with "we\x92re"
    expected = clean.clean_html(html).to_dict(with_diff=False)["repaired"]
    assert expected
    assert "repaired" not in pipeline().process_item({"html": html}), "off unless a field is named"
    assert pipeline(CLEAN_REPAIRED_FIELD="fixes").process_item({"html": html})["fixes"] == expected


def test_bad_pages_become_an_error_field_and_are_counted():
    crawler = get_crawler(settings_dict={})
    pipe = CleanPipeline.from_crawler(crawler)
    bad = pipe.process_item({"url": "http://127.0.0.1/x.png", "html": BINARY.read_bytes()})
    assert bad["clean_error"]["kind"] == "binary" and bad["clean_error"]["type"] == "BinaryInputError"
    assert "text" not in bad and "removed" not in bad
    wrong_type = pipe.process_item({"html": 42})
    assert wrong_type["clean_error"]["kind"] == "input"
    good = pipe.process_item({"raw_text": SEEDS[-1].read_text(encoding="utf-8")})
    untouched = pipe.process_item({"title": "not a page"})
    assert untouched == {"title": "not a page"} and "clean_error" not in good
    stats = crawler.stats.get_stats()
    assert stats["clean/errors"] == 2 and stats["clean/errors/binary"] == 1
    assert stats["clean/items"] == 1 and stats["clean/skipped"] == 1
    assert sum(v for k, v in stats.items() if k.startswith("clean/removed/")) == len(good["removed"])


def test_an_unexpected_failure_is_a_field_too(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a stage failed")

    monkeypatch.setattr(clean, "clean_html", broken)
    item = pipeline().process_item({"html": "<p>page</p>"})
    assert item["clean_error"] == {"kind": "internal", "type": "RuntimeError", "message": "a stage failed"}


def test_scrapy_items_need_their_fields_declared_and_never_crash():
    class Page(scrapy.Item):
        url = scrapy.Field()
        html = scrapy.Field()
        text = scrapy.Field()
        removed = scrapy.Field()
        metadata = scrapy.Field()
        clean_error = scrapy.Field()

    class Sparse(scrapy.Item):
        html = scrapy.Field()

    html, url = news_article()
    item = pipeline().process_item(Page(url=url, html=html))
    assert item["text"] == clean.clean_html(html, url).text
    sparse = pipeline().process_item(Sparse(html=html))  # no output fields: logged, not raised
    assert dict(sparse) == {"html": html}


def test_the_pipeline_is_off_when_disabled():
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        pipeline(CLEAN_ENABLED=False)


# ---------------------------------------------------------------- a real crawl


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture
def site(tmp_path):
    """The fixture pages on a local web server, with an index page that links them all."""
    root = tmp_path / "site"
    root.mkdir()
    pages: dict[str, Path] = {}
    for path in [*PAGES, BINARY]:
        shutil.copy(path, root / path.name)
        pages[path.name] = path
    for path in SEEDS:
        shutil.copy(path, root / path.name)
        pages[path.name] = path
    for path in sorted(WCXB.glob("*.html.gz"))[:3]:
        name = f"wcxb-{path.name.removesuffix('.gz')}"
        (root / name).write_bytes(gzip.decompress(path.read_bytes()))
        pages[name] = root / name
    links = "".join(f'<li><a href="{name}">{name}</a></li>' for name in pages)
    (root / "index.html").write_text(f"<!doctype html><ul>{links}</ul>", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


CRAWL = """
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

start, feed, stats_path = sys.argv[1:4]


class FixtureSpider(scrapy.Spider):
    name = "fixtures"
    start_urls = [start + "/index.html"]

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, self.parse_page)

    def parse_page(self, response):
        if response.url.endswith(".txt"):
            yield {"url": response.url, "raw_text": response.text}
        else:
            yield {"url": response.url, "html": response}  # the Response itself; dropped once cleaned


process = CrawlerProcess(settings={
    "ITEM_PIPELINES": {"clean.scrapy.CleanPipeline": 300},
    "CLEAN_DROP_INPUT": True,
    "CLEAN_OPTIONS": {"disable": ["headline-list"]},
    "FEEDS": {feed: {"format": "jsonlines", "encoding": "utf-8"}},
    "ROBOTSTXT_OBEY": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "CONCURRENT_REQUESTS": 4,
})
crawler = process.create_crawler(FixtureSpider)
process.crawl(crawler)
process.start()
with open(stats_path, "w") as handle:
    stats = crawler.stats.get_stats()
    json.dump({k: v for k, v in stats.items() if k.startswith(("clean/", "item_"))}, handle)
"""


def test_a_real_crawl_fills_the_clean_fields(site, tmp_path):
    base, pages = site
    script, feed, stats_path = tmp_path / "crawl.py", tmp_path / "items.jsonl", tmp_path / "stats.json"
    script.write_text(textwrap.dedent(CRAWL), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script), base, str(feed), str(stats_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    items = {
        item["url"].rsplit("/", 1)[1]: item
        for item in map(json.loads, feed.read_text(encoding="utf-8").splitlines())
    }
    assert set(items) == set(pages)
    options = clean.Options(disable=frozenset({"headline-list"}))
    for name, item in items.items():
        assert "html" not in item and "raw_text" not in item, name
        source = pages[name]
        if name == BINARY.name:
            assert item["clean_error"]["kind"] == "binary" and "text" not in item
            continue
        assert "clean_error" not in item, f"{name}: {item.get('clean_error')}"
        if name.endswith(".txt"):
            expected = clean.clean_text(source.read_text(encoding="utf-8"), options=options)
        else:
            expected = clean.clean_html(source.read_bytes(), item["url"], options=options)
        assert item["text"] == expected.text, name
        assert item["removed"] == [r.to_dict() for r in expected.removed], name
        assert item["metadata"] == expected.metadata, name
        assert not any(r["rule"] == "headline-list" for r in item["removed"]), "CLEAN_OPTIONS ignored"
    # The boilerplate really left the article: the cookie banner of the news fixture, for one.
    news = items["news_article.html"]
    assert "cookie" in " ".join(r["text"] for r in news["removed"]).lower()
    assert "cookie" not in news["text"].lower()
    stats = json.loads(stats_path.read_text(encoding="utf-8"))
    assert stats["clean/items"] == len(pages) - 1 and stats["clean/errors/binary"] == 1
    assert stats["item_scraped_count"] == len(pages)
