"""Hostile and broken pages through the public API: a clear InputError or a best-effort result.

Never another exception type, never a hang, never a fetch. The corpus is
fixtures/hostile/ (small cases committed; large ones written once per
session by fixtures/hostile/make_hostile.py). Each expectation below says
what a reader of the page would want, and is checked against real output.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import clean
from clean.errors import InputError

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
PAGES = HOSTILE / "pages"


def load_generator():
    spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE / "make_hostile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_hostile = load_generator()
ARTICLE = make_hostile.ARTICLE


@pytest.fixture(scope="session")
def large(tmp_path_factory):
    """name -> path of a large case, generated on first use into one directory per session."""
    directory = tmp_path_factory.getbasetemp() / "hostile-large"

    def get(name: str) -> Path:
        return make_hostile.write_large(directory, [name])[name]

    return get


def run(path: Path, **options) -> clean.Result:
    """Clean a file the way a caller would: HTML as bytes, text as str."""
    data = path.read_bytes()
    if path.suffix == ".txt":
        return clean.clean_text(data.decode("utf-8", "surrogateescape"), **options)
    return clean.clean_html(data, **options)


def outcome(path: Path, **options) -> tuple[str, clean.Result | InputError, float]:
    """('ok', result) or (error kind, error); any other exception fails the test."""
    started = time.perf_counter()
    try:
        result = run(path, **options)
    except InputError as error:
        return error.kind, error, time.perf_counter() - started
    return "ok", result, time.perf_counter() - started


# --- small pages: committed files ---------------------------------------------------------

# name -> the error kind, or a phrase the clean text must contain ("" = the page has no text).
SMALL_EXPECTED = {
    "empty.html": "",
    "empty.txt": "",
    "whitespace.html": "",
    "whitespace.txt": "",
    "bom-only.html": "",
    "tags-only.html": "",
    "title-never-closes.html": "",  # an unclosed <title> swallows the page, in browsers too
    "pdf-as-html.html": "binary",
    "png-as-html.html": "binary",
    "gzip-as-html.html": "binary",
    "random-bytes.html": "binary",
    "mostly-control.html": "binary",
    "nul-after-sniff.html": "after",
    "charset-lying-utf8-is-cp1252.html": "quoted",  # detection's guess; the ASCII survives at least
    "charset-wrong-latin1-is-utf8.html": "Grüße aus Köln",
    "charset-missing-cp1251.html": "Правительство объявило",
    "charset-unknown-label.html": "Grüße aus Köln",
    "charset-utf16-declared-utf8-bytes.html": "Café naïve façade",
    "utf16le-bom.html": "Café naïve façade",
    "utf16be-bom.html": "Café naïve façade",
    "utf16le-no-bom.html": "Café naïve façade",
    "utf16be-no-bom.html": "Café naïve façade",
    "invalid-utf8.html": "Grüße aus Köln",
    "mojibake.html": "Grüße aus Köln",  # the page has "GrÃ¼ÃŸe": repaired (clean/frontends/mojibake.py)
    "control-characters.html": "route of the access road",
    "control-characters.txt": "route of the access road",
    "rtl-cjk.html": "北京今天天气晴朗",
    "rtl-cjk.txt": "שלום עולם",
    "unclosed-everything.html": "First paragraph of the story",
    "script-never-closes.html": "route of the access road",
    "comment-never-closes.html": "route of the access road",
    "entities-and-fetches.html": "route of the access road",
    "xhtml-xxe.html": "route of the access road",
    "lone-surrogates.txt": "lone surrogate",
    "cp1252.txt": "route of the access road",
}
ERROR_KINDS = {"binary", "undecodable", "too-large", "too-deep", "timeout", "decompression-bomb"}


def test_every_small_case_has_an_expectation():
    assert sorted(p.name for p in PAGES.iterdir()) == sorted(SMALL_EXPECTED)


def test_committed_small_cases_are_what_the_generator_makes():
    made = make_hostile.small_pages() | make_hostile.small_archives()
    for path in [*PAGES.iterdir(), *(HOSTILE / "archives").iterdir()]:
        assert path.read_bytes() == made[path.name], path.name
        assert path.stat().st_size < 1_000_000


@pytest.mark.parametrize("name", sorted(SMALL_EXPECTED))
def test_small_case(name):
    kind, value, _ = outcome(PAGES / name)
    expected = SMALL_EXPECTED[name]
    if expected in ERROR_KINDS:
        assert kind == expected, f"{name}: expected a {expected} error, got {kind}"
        assert str(value)  # a message a person can read
        return
    assert kind == "ok", f"{name}: expected a result, got {kind}: {value}"
    if expected:
        assert expected in value.text
    else:
        assert value.text == ""
    # Whatever came in, what goes out can be written as UTF-8 JSON.
    json.dumps(value.to_dict(), ensure_ascii=False).encode("utf-8")


def test_script_and_comment_text_never_becomes_content():
    for name, hidden in [
        ("script-never-closes.html", "this is still script"),
        ("script-never-closes.html", "written by script"),
        ("comment-never-closes.html", "commented out"),
        ("unclosed-everything.html", "in textarea"),
    ]:
        result = run(PAGES / name)
        assert hidden not in result.input_text(), (name, hidden)


def test_control_characters_do_not_make_a_page_binary_when_few():
    result = run(PAGES / "control-characters.html")
    assert ARTICLE in result.text
    assert "st\x08eel" in result.input_text() and "escape\x1b[31m red" in result.input_text()


def test_utf16_without_bom_decodes_like_with_bom():
    for order in ("le", "be"):
        with_bom = run(PAGES / f"utf16{order}-bom.html")
        without = run(PAGES / f"utf16{order}-no-bom.html")
        assert without.text == with_bom.text and "“quoted”" in without.text


def test_invalid_utf8_keeps_the_valid_text_and_marks_the_damage():
    result = run(PAGES / "invalid-utf8.html")
    assert "Café naïve façade – “quoted” 5 €" in result.text
    assert "\ufffd" in result.input_text()


def test_lone_surrogates_become_replacement_characters():
    result = clean.clean_text("before \ud800 after " + ARTICLE)
    assert "\ud800" not in result.text and "before \ufffd after" in result.text
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("value", [None, 42, 3.5, ["<p>x</p>"], {"html": "x"}, memoryview(b"<p>x</p>")])
def test_wrong_types_are_input_errors(value):
    with pytest.raises(InputError):
        clean.clean_html(value)
    with pytest.raises(InputError):
        clean.clean_text(value)


def test_bytes_to_clean_text_is_an_input_error():
    with pytest.raises(InputError, match="expects str"):
        clean.clean_text(ARTICLE.encode())


# --- nothing fetched, nothing executed -------------------------------------------------------


@pytest.fixture
def no_network_no_processes(monkeypatch):
    """Any attempt to open a socket, resolve a name or start a process fails the test."""
    attempts: list[str] = []

    def refuse(what):
        def refused(*args, **kwargs):
            attempts.append(what)
            raise AssertionError(f"{what} called while cleaning")

        return refused

    monkeypatch.setattr(socket, "socket", refuse("socket.socket"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    monkeypatch.setattr(subprocess, "Popen", refuse("subprocess.Popen"))
    monkeypatch.setattr("os.system", refuse("os.system"))
    return attempts


@pytest.mark.parametrize("name", ["entities-and-fetches.html", "xhtml-xxe.html"])
def test_nothing_is_fetched_expanded_or_run(name, no_network_no_processes):
    result = run(PAGES / name, url="http://127.0.0.1:9/page")
    assert no_network_no_processes == []
    seen = result.input_text()
    # External entities are not resolved, internal ones not expanded (no billion laughs).
    assert "root:" not in seen and "lollol" not in seen
    assert "alert(" not in seen and "fetch(" not in seen


def test_cleaning_works_with_the_network_gone(no_network_no_processes):
    for name in ["rtl-cjk.html", "charset-missing-cp1251.html", "unclosed-everything.html"]:
        run(PAGES / name)
    assert no_network_no_processes == []


# --- large pages: generated per session ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("page-over-50mb.html", "too-large"),
        ("text-over-50mb.txt", "too-large"),
        ("deep-divs-100k.html", "too-deep"),
        ("deep-unclosed-mixed-40k.html", "too-deep"),
        ("unclosed-tags-5mb.html", "too-deep"),
        ("million-siblings.html", "too-large"),
        ("bomb.html.gz", "binary"),  # compressed bytes are not a page; the batch reader inflates files
    ],
)
def test_large_case_is_refused_quickly(large, name, kind):
    got, error, seconds = outcome(large(name))
    assert got == kind, f"{name}: {got}: {error}"
    assert "option max_" in str(error) or kind == "binary"  # the message names the knob
    assert seconds < 15, f"{name} took {seconds:.1f} s to refuse"  # the parser alone would take minutes


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("deep-inline-100k.html", "deep text"),
        ("attribute-10mb.html", "route of the access road"),
        ("script-never-closes-10mb.html", "route of the access road"),
        ("text-node-10mb.html", "lorem ipsum dolor"),
        ("text-one-line-10mb.txt", "word word"),
    ],
)
def test_large_case_gives_a_best_effort_result(large, name, phrase):
    kind, result, seconds = outcome(large(name))
    assert kind == "ok", f"{name}: {kind}: {result}"
    assert phrase in result.text
    assert seconds < 60


def test_script_that_never_closes_hides_only_what_follows_it(large):
    result = run(large("script-never-closes-10mb.html"))
    assert "Before" in result.input_text() and "not text" not in result.input_text()


@pytest.mark.parametrize("name", ["attribute-10mb.html", "attribute-wrapper-1mb.html"])
def test_huge_names_are_not_copied_into_block_paths(large, name):
    kind, result, seconds = outcome(large(name))
    assert kind == "ok" and ARTICLE in result.text
    assert max(len(b.path or "") for b in result.document.blocks) < 1000


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("text-million-lines.txt", {}),
        ("million-siblings.html", {"max_dom_nodes": 0}),  # the element cap off: the clock still stops it
    ],
)
def test_time_budget_stops_a_slow_document(large, name, options):
    budget = 2.0
    kind, error, seconds = outcome(large(name), max_seconds=budget, **options)
    assert kind == "timeout", f"{name}: {kind}"
    assert "max_seconds" in str(error)
    assert seconds < budget + 10  # the budget, plus the parser's uninterruptible call


def test_limits_are_options(large):
    """Each limit is a knob: raised, the same page goes through; zero switches it off."""
    deep = large("deep-inline-100k.html")
    assert outcome(deep, max_input_bytes=1000)[0] == "too-large"
    assert outcome(deep, max_input_bytes=0)[0] == "ok"
    page = make_hostile.page("<div>" * 600 + f"<p>{ARTICLE}</p>" + "</div>" * 600)
    assert outcome_of_html(page)[0] == "too-deep"
    assert outcome_of_html(page, max_dom_depth=700)[0] == "ok"
    assert outcome_of_html(page, max_dom_depth=0)[0] == "ok"
    siblings = make_hostile.page("<p>x</p>" * 2000)
    assert outcome_of_html(siblings, max_dom_nodes=1000)[0] == "too-large"


def outcome_of_html(html: str, **options) -> tuple[str, object]:
    try:
        return "ok", clean.clean_html(html, **options)
    except InputError as error:
        return error.kind, error


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_refusing_large_cases_keeps_memory_bounded(large):
    """In a fresh process, refusing the 50 MB page, the deep DOMs and the million siblings stays small."""
    names = ["page-over-50mb.html", "deep-divs-100k.html", "million-siblings.html", "bomb.html.gz"]
    paths = [str(large(n)) for n in names]
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent (pytest).
    script = (
        "import sys, clean\n"
        "def peak():\n"
        "    status = open('/proc/self/status').read()\n"
        "    return int(status.split('VmHWM:')[1].split()[0]) // 1024\n"
        "for path in sys.argv[1:]:\n"
        "    data = open(path, 'rb').read()\n"
        "    try:\n"
        "        clean.clean_html(data)\n"
        "    except clean.InputError:\n"
        "        pass\n"
        "    del data\n"
        "    print(peak(), path, file=sys.stderr)\n"
        "print(peak())\n"
    )
    done = subprocess.run([sys.executable, "-c", script, *paths], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    peak_mb = int(done.stdout.strip())
    # Reading the 50 MiB file and its text costs ~150 MB; parsing a million elements would cost 1.5 GB.
    assert peak_mb < 400, f"peak memory {peak_mb} MB: {done.stderr}"


@pytest.mark.parametrize("depth", [50, 500, 5000])
def test_deeply_nested_json_ld_is_ignored_not_a_recursion_error(depth):
    author = "[" * depth + '"Jane Doe"' + "]" * depth
    html = make_hostile.page(
        f"<p>{ARTICLE}</p>",
        head=f'<script type="application/ld+json">{{"@type": "NewsArticle", "author": {author}}}</script>',
    )
    result = clean.clean_html(html)
    assert ARTICLE in result.text
    assert "author" not in result.metadata


def test_json_ld_authors_are_still_read():
    html = make_hostile.page(
        f"<p>{ARTICLE}</p>",
        head='<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", '
        '"author": [{"name": "Jane Doe"}, ["John Roe"]]}</script>',
    )
    assert clean.clean_html(html).metadata["author"] == "Jane Doe, John Roe"
