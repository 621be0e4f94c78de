"""orbops: an orbital operations simulator for crewed stations, driven by real orbits.

The curated public API; the module tree below is an implementation detail.
"""

from .elements import Catalog, ElementSet, load_catalog
from .errors import ElementsError, OrbopsError, OrbopsWarning, StaleElementsWarning, UnknownObjectError
from .frames import Site
from .propagation import SGP4_ERRORS, States, propagate
from .timescales import Times
from .version import __version__

__all__ = [
    "__version__",
    "Catalog",
    "ElementSet",
    "ElementsError",
    "OrbopsError",
    "OrbopsWarning",
    "SGP4_ERRORS",
    "Site",
    "StaleElementsWarning",
    "States",
    "Times",
    "UnknownObjectError",
    "load_catalog",
    "propagate",
]
