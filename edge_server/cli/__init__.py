"""Command-line roles of the edge side (`main.py edge|keys|admin|demo`)."""
