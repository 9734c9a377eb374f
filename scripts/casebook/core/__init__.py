"""The core: the content model, loading with positions, validation, sourcing rules, text and URL helpers.

It imports nothing from the layers above it, from MkDocs or from the network.
"""
