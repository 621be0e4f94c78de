"""Floor 6: scenario files (TOML): schema, load, validate (key path and line), build."""

from .load import load_scenario, validate_scenario

__all__ = ["load_scenario", "validate_scenario"]
