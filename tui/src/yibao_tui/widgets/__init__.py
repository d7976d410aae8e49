"""Widgets of the yibao TUI."""
