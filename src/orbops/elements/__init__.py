"""Floor 1: element sets (TLE, 3LE, CCSDS OMM) and catalogs of them."""

from .catalog import (ALIASES, DEFAULT_MAX_AGE_DAYS, ELEMENT_FILE_SUFFIXES, Catalog, element_files_in, elements_digest,
                      load_catalog)
from .io import FORMATS, detect_format, parse_elements, read_elements, write_elements
from .records import ElementSet, brouwer_mean_motion
from .tle import alpha5_decode, alpha5_encode, checksum, format_tle_lines, to_tle_lines, write_tle

__all__ = [
    "ALIASES",
    "DEFAULT_MAX_AGE_DAYS",
    "ELEMENT_FILE_SUFFIXES",
    "Catalog",
    "ElementSet",
    "FORMATS",
    "alpha5_decode",
    "alpha5_encode",
    "brouwer_mean_motion",
    "checksum",
    "detect_format",
    "element_files_in",
    "elements_digest",
    "format_tle_lines",
    "load_catalog",
    "parse_elements",
    "read_elements",
    "to_tle_lines",
    "write_elements",
    "write_tle",
]
