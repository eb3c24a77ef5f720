"""tilt-registry-wizard: find and set up the image registry Tilt pushes to."""

__version__ = "0.1.0"
