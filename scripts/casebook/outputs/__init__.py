"""Outputs beside the pages: data exports, bibliography, JSON-LD, the feed, history, the offline zip."""
