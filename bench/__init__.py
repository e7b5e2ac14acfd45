"""Benchmarks (bench/*.py); this package holds their bench-only settings and URLs."""
