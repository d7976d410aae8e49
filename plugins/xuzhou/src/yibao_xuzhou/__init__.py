"""xuzhou region plugin (being written)."""
