"""Integrations: frameworks that call the pipeline (Spark in spark.py, Scrapy in scrapy.py)."""
