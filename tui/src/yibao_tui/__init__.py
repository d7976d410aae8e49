"""yibao-tui: the counter-staff terminal UI."""
