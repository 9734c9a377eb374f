"""Rendering: the validated book as Markdown pages (Jinja templates) and SVG pictures."""
