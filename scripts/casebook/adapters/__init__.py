"""Adapters: the MkDocs plugin and the command line. Thin: they call `casebook.site`, and hold no rules."""
