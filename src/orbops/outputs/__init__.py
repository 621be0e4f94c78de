"""Floor 7: files people and programs read (state tables, timelines, metrics, plots, reports)."""

from .atomic import atomic_path, atomic_write_text
from .rundir import RUN_FILES, read_run_dir, write_run_dir
from .statefiles import STATE_FORMATS, open_state_writer, state_format_of

__all__ = ["RUN_FILES", "STATE_FORMATS", "atomic_path", "atomic_write_text", "open_state_writer", "read_run_dir",
           "state_format_of", "write_run_dir"]
