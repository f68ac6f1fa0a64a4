"""Rule stages: explicit, named patterns, kept as data where they are words."""
