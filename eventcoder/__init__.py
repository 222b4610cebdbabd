"""eventcoder: conflict reports in, structured and traceable event data out."""

__version__ = "0.1.0"
