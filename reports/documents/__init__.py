"""Printed papers built from the same `metrics` definitions as the dashboard: the six-monthly
scrutiny committee pack (PDF and Word) and the monthly cabinet one-pager (PDF).

`content` builds a format-free document model from the figures (`model`), `narrative` words its
sentences, `charts` draws its vector charts, `pdf` and `word` render it, `papers` reads the
warehouse and returns the bytes.
"""
