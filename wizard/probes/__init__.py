"""Probes: read-only checks of the environment, each bounded in time, returning data with warnings."""
