"""casebook: turns sourced YAML records about one case into a validated model and Markdown pages.

The core (load -> validate -> render) imports nothing from MkDocs; the MkDocs plugin and the
CLI are thin adapters around it.
"""

__version__ = "0.1.0"
