"""cchc: the content pipeline a commune uses to communicate its administrative reform (CCHC)."""

__version__ = "0.1.0"
