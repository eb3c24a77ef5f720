"""One Screen per wizard step."""
