"""Screens and dialogs of the yibao TUI."""
