"""Renderers of reports: text, markdown, json (and, for audits, junit, gradescope, html)."""
