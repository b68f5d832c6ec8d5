"""Models, split by concept."""
