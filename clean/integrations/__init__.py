"""Integrations: Spark (spark.py) and other frameworks that call the pipeline."""
