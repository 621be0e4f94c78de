"""Package data: Natural Earth outlines and named places (see SOURCES.md)."""
