"""Floor 2: SGP4/SDP4 propagation, vectorised over (satellite, time). No simpy, no matplotlib."""

from .api import Propagator, as_catalog, propagate
from .backends import available_backends, get_backend
from .states import INVALID_ELEMENTS, INVALID_TIME, SGP4_ERRORS, States
from .stream import Chunk, chunk_slices, stream

__all__ = ["INVALID_ELEMENTS", "INVALID_TIME", "SGP4_ERRORS", "Chunk", "Propagator", "States", "as_catalog",
           "available_backends", "chunk_slices", "get_backend", "propagate", "stream"]
