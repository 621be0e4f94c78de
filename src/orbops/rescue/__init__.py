"""Joint rescue across programmes: which ship of which programme can bring a stranded crew home, how soon."""

from .analysis import (BLOCKERS, HORIZON_DAYS, RESCUE_STAY_S, RescueAnalysis, RescueCalendar, RescueOption,
                       dogleg_dv_km_s, rescue_calendar, rescue_options)
from .fleet import Adapter, Fleet, RescueStation, RescueVehicle, StationPort, fleet, read_fleet

__all__ = ["BLOCKERS", "HORIZON_DAYS", "RESCUE_STAY_S", "RescueAnalysis", "RescueCalendar", "RescueOption",
           "dogleg_dv_km_s", "rescue_calendar", "rescue_options", "Adapter",
           "Fleet", "RescueStation", "RescueVehicle", "StationPort", "fleet", "read_fleet"]
