"""Benchmarks (design §5). `make bench` runs them all and writes bench/results/*.json."""
