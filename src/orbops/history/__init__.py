"""Floor 4.5: the historical record of flights and the replay of each flight from its real launch day."""

from .record import COLUMNS, REQUIRED, STATIONS, Flight, flight_record, read_record, record_path
from .replay import Replayed, replay, replay_flight, summarize

__all__ = ["COLUMNS", "REQUIRED", "STATIONS", "Flight", "Replayed", "flight_record", "read_record", "record_path",
           "replay", "replay_flight", "summarize"]
