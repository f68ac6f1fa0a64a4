"""Short import path for the Scrapy pipeline: ITEM_PIPELINES = {"clean.scrapy.CleanPipeline": 300}.

See clean/integrations/scrapy.py for the settings.
"""

from clean.integrations.scrapy import CleanPipeline, FieldNames

__all__ = ["CleanPipeline", "FieldNames"]
