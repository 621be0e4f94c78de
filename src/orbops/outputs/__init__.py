"""Floor 7: files people and programs read (state tables, timelines, metrics, plots, reports)."""

from .atomic import atomic_path, atomic_write_text
from .statefiles import STATE_FORMATS, open_state_writer, state_format_of

__all__ = ["STATE_FORMATS", "atomic_path", "atomic_write_text", "open_state_writer", "state_format_of"]
