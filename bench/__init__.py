"""Benchmarks and the large-file generator they share with the fault tests.

Run from the project root: `python -m bench.ingest_bench`, `python -m bench.export_bench`.
Generated files and throwaway warehouses go to `bench/out/` (git-ignored).
"""
