"""``make bench``: timings of the package, outside it (one file per benchmark)."""
