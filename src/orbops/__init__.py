"""orbops: an orbital operations simulator for crewed stations, driven by real orbits.

The curated public API; the module tree below is an implementation detail.
"""

from .elements import Catalog, ElementSet, load_catalog
from .errors import (ElementsError, OrbopsError, OrbopsWarning, ScenarioError, StaleElementsWarning,
                     UnknownObjectError)
from .frames import Site
from .geometry import (Ascent, EclipseInterval, GroundTrack, LandingOpportunity, LandingZone, LaunchSite,
                       LaunchWindow, Orbits, Pass, PlaneGeometry, RendezvousProfile, beta_angle_deg, eclipses,
                       ground_tracks, landing_opportunities, landing_zone, launch_site, launch_windows, passes,
                       plane_geometry)
from .history import Flight, Replayed, flight_record, read_record, replay
from .ops import Scenario
from .ops.vehicles import VehicleModel, vehicle_model, vehicle_models
from .propagation import SGP4_ERRORS, States, propagate
from .rescue import RescueAnalysis, RescueCalendar, RescueOption, rescue_calendar, rescue_options
from .scenarios import load_scenario, validate_scenario
from .timescales import Times
from .version import __version__

# the engine and its outputs load on first use, so the geometry library does not import simpy
_LAZY = {"Planner": "sim", "RunRecord": "sim", "run_scenario": "sim", "read_run_dir": "outputs",
         "write_run_dir": "outputs"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'orbops' has no attribute {name!r}")

__all__ = [
    "__version__",
    "Ascent",
    "Catalog",
    "EclipseInterval",
    "ElementSet",
    "ElementsError",
    "Flight",
    "GroundTrack",
    "LandingOpportunity",
    "LandingZone",
    "LaunchSite",
    "LaunchWindow",
    "OrbopsError",
    "OrbopsWarning",
    "Orbits",
    "Pass",
    "PlaneGeometry",
    "Planner",
    "RendezvousProfile",
    "Replayed",
    "RescueAnalysis",
    "RescueCalendar",
    "RescueOption",
    "RunRecord",
    "SGP4_ERRORS",
    "Scenario",
    "ScenarioError",
    "Site",
    "StaleElementsWarning",
    "States",
    "Times",
    "UnknownObjectError",
    "VehicleModel",
    "beta_angle_deg",
    "eclipses",
    "flight_record",
    "ground_tracks",
    "landing_opportunities",
    "landing_zone",
    "launch_site",
    "launch_windows",
    "load_catalog",
    "load_scenario",
    "passes",
    "plane_geometry",
    "propagate",
    "read_record",
    "read_run_dir",
    "replay",
    "rescue_calendar",
    "rescue_options",
    "run_scenario",
    "validate_scenario",
    "vehicle_model",
    "vehicle_models",
    "write_run_dir",
]
