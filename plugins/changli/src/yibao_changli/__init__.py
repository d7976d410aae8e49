"""changli region plugin (being written)."""
