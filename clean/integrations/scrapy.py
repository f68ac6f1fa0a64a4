"""A Scrapy item pipeline that cleans each scraped page as it goes through the crawl.

Enable it in the project's settings:

    ITEM_PIPELINES = {"clean.scrapy.CleanPipeline": 300}
    CLEAN_OPTIONS = {"disable": ["headline-list"], "max_link_density": 0.6}   # clean's options

and have the spider put the page on the item:

    yield {"url": response.url, "html": response.text}       # or response.body, or response itself

The pipeline reads the page from the item, runs `clean.clean_html` (or
`clean.clean_text` for items that carry already-extracted text instead of
HTML) and writes the clean text, the removals and the metadata back onto the
item. A page that cannot be cleaned gets an error field instead; the crawl
goes on. Items with neither field are passed through untouched.

Settings (item field names; set an output's name to None or "" to not write it):

    CLEAN_HTML_FIELD        "html"        input: HTML as str, bytes, or a scrapy Response
    CLEAN_INPUT_TEXT_FIELD  "raw_text"    input: extracted text, used when there is no HTML
    CLEAN_URL_FIELD         "url"         input: the page's URL (else the Response's)
    CLEAN_TEXT_FIELD        "text"        output: the clean text
    CLEAN_REMOVED_FIELD     "removed"     output: [{"text", "stage", "rule", "reason", ...}]
    CLEAN_METADATA_FIELD    "metadata"    output: {"title", "date", ...}
    CLEAN_RESTORED_FIELD    None          output: [{"undone": {removal}, "stage", "rule", "reason"}],
                                          rule removals the learned scorer undid
    CLEAN_REPAIRED_FIELD    None          output: [{"block", "before", "after", "steps"}],
                                          mojibake the front end repaired
    CLEAN_DIFF_FIELD        None          output: the labelled unified diff
    CLEAN_ERROR_FIELD       "clean_error" output, on failure: {"kind", "type", "message"}
    CLEAN_DROP_INPUT        False         remove the input field once cleaned (smaller feeds)
    CLEAN_ENABLED           True

Stats: clean/items, clean/skipped, clean/errors, clean/errors/<kind>, clean/removed/<rule>.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from clean.errors import CleanError
from clean.options import Options

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FieldNames:
    """Which item fields the pipeline reads and writes; None means "do not write"."""

    html: str | None = "html"
    input_text: str | None = "raw_text"
    url: str | None = "url"
    text: str | None = "text"
    removed: str | None = "removed"
    metadata: str | None = "metadata"
    # Off by default, like diff: an Item class declares its fields, and one added unasked fails.
    restored: str | None = None
    repaired: str | None = None
    diff: str | None = None
    error: str | None = "clean_error"

    @classmethod
    def from_settings(cls, settings: Any) -> FieldNames:
        defaults = cls()
        names = {}
        for attribute, setting in SETTING_FOR_FIELD.items():
            # Scrapy's get() treats a None value as unset; here None, like "", means "off".
            value = settings[setting] if setting in settings else getattr(defaults, attribute)
            names[attribute] = value or None
        return cls(**names)


SETTING_FOR_FIELD = {
    "html": "CLEAN_HTML_FIELD",
    "input_text": "CLEAN_INPUT_TEXT_FIELD",
    "url": "CLEAN_URL_FIELD",
    "text": "CLEAN_TEXT_FIELD",
    "removed": "CLEAN_REMOVED_FIELD",
    "metadata": "CLEAN_METADATA_FIELD",
    "restored": "CLEAN_RESTORED_FIELD",
    "repaired": "CLEAN_REPAIRED_FIELD",
    "diff": "CLEAN_DIFF_FIELD",
    "error": "CLEAN_ERROR_FIELD",
}


def _page_of(value: Any) -> tuple[str | bytes | Any, str | None]:
    """The HTML to clean and, for a Response, its URL.

    A TextResponse is already decoded with the HTTP header's charset, which
    clean cannot see from the bytes alone, so its text is used; any other
    Response gives its raw body for clean's own decoding.
    """
    if hasattr(value, "body") and hasattr(value, "url"):
        text = getattr(value, "text", None)
        return (text if isinstance(text, str) else value.body), value.url
    return value, None


class CleanPipeline:
    """Clean the page stored on each item; see the module docstring for the settings."""

    def __init__(
        self,
        options: Options | None = None,
        fields: FieldNames | None = None,
        *,
        drop_input: bool = False,
        stats: Any = None,
    ) -> None:
        # One frozen Options for the whole crawl: safe however Scrapy schedules items.
        self.options = options or Options()
        self.fields = fields or FieldNames()
        self.drop_input = drop_input
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> CleanPipeline:
        from scrapy.exceptions import NotConfigured

        settings = crawler.settings
        if not settings.getbool("CLEAN_ENABLED", True):
            raise NotConfigured("CLEAN_ENABLED is off")
        raw_options = settings.getdict("CLEAN_OPTIONS")
        try:
            options = Options.from_kwargs(**raw_options)
        except TypeError as error:
            # A misspelt option must stop the crawl at start, not silently clean with defaults.
            raise ValueError(f"CLEAN_OPTIONS: {error}") from error
        return cls(
            options,
            FieldNames.from_settings(settings),
            drop_input=settings.getbool("CLEAN_DROP_INPUT", False),
            stats=crawler.stats,
        )

    # Scrapy >= 2.13 calls process_item(item); older versions pass the spider too.
    def process_item(self, item: Any, spider: Any = None) -> Any:
        from itemadapter import ItemAdapter

        adapter = ItemAdapter(item)
        fields = self.fields
        html_value = adapter.get(fields.html) if fields.html else None
        text_value = adapter.get(fields.input_text) if fields.input_text else None
        if html_value is None and text_value is None:
            self._count("clean/skipped")
            return item

        url = adapter.get(fields.url) if fields.url else None
        try:
            if html_value is not None:
                page, response_url = _page_of(html_value)
                result = _clean_html(page, url or response_url, self.options)
            else:
                result = _clean_text(text_value, self.options)
        except CleanError as error:
            self._fail(adapter, url, error, error.kind)
        except Exception as error:  # a bug in a stage must not take the crawl down
            logger.exception("clean: unexpected error on %s", url or "an item")
            self._fail(adapter, url, error, "internal")
        else:
            self._fill(adapter, result)
        if self.drop_input:
            for name in (fields.html, fields.input_text):
                if name and name in adapter:
                    del adapter[name]
        return item

    def _fill(self, adapter: Any, result: Any) -> None:
        fields = self.fields
        self._set(adapter, fields.text, result.text)
        self._set(adapter, fields.removed, [removal.to_dict() for removal in result.removed])
        self._set(adapter, fields.metadata, dict(result.metadata))
        if fields.restored:
            self._set(adapter, fields.restored, [override.to_dict() for override in result.restored])
        if fields.repaired:
            self._set(adapter, fields.repaired, [repair.to_dict() for repair in result.repaired])
        if fields.diff:
            self._set(adapter, fields.diff, result.diff())
        self._count("clean/items")
        for removal in result.removed:
            self._count(f"clean/removed/{removal.rule}")

    def _fail(self, adapter: Any, url: str | None, error: Exception, kind: str) -> None:
        if kind != "internal":
            logger.warning("clean: cannot clean %s: %s", url or "an item", error)
        self._set(
            adapter, self.fields.error, {"kind": kind, "type": type(error).__name__, "message": str(error)}
        )
        self._count("clean/errors")
        self._count(f"clean/errors/{kind}")

    def _set(self, adapter: Any, name: str | None, value: Any) -> None:
        if not name:
            return
        try:
            adapter[name] = value
        except KeyError:
            # A scrapy.Item without this field declared: say how to fix it, keep crawling.
            logger.error(
                "clean: the item has no field %r; declare it on the Item class or change the "
                "CLEAN_*_FIELD setting",
                name,
            )
            self._count("clean/unset_fields")

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


def _clean_html(page: Any, url: str | None, options: Options) -> Any:
    import clean

    return clean.clean_html(page, url, options=options)


def _clean_text(text: Any, options: Options) -> Any:
    import clean

    return clean.clean_text(text, options=options)
