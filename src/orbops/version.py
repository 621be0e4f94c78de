"""The orbops version (one place: pyproject.toml reads the same number through the tests)."""

__version__ = "0.1.0"
