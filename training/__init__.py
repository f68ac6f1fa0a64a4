"""Training and evaluation scripts for clean's learned block scorer (not part of the package)."""
