"""govkit: governance reports from a school trust's termly data."""

__version__ = "0.1.0"
