"""Benchmarks and synthetic content: outside the installed package; run with PYTHONPATH=scripts."""
