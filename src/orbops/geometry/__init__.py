"""Floor 3b: what the orbits mean on the ground and in the sky (vectorised over objects and times)."""

from .groundtrack import GroundTrack, ground_tracks, split_antimeridian, subsolar_point, terminator
from .landing import LandingOpportunity, LandingZone, landing_opportunities, sun_elevation_deg
from .launch import Ascent, LaunchSite, LaunchWindow, launch_windows
from .lighting import EclipseInterval, beta_angle_deg, eclipses, sun_position_km
from .orbits import OneObject, Orbits
from .passes import Pass, passes
from .places import landing_zone, landing_zones, launch_site, launch_sites, parse_site
from .planes import PlaneGeometry, j2_nodal_rate_deg_day, plane_geometry
from .rendezvous import (RendezvousProfile, catch_up_deg_per_rev, choose_profile, circular_period_s,
                         phase_angle_deg)
from .search import Events, find_crossings, find_extrema

__all__ = [
    "Ascent", "EclipseInterval", "Events", "GroundTrack", "LandingOpportunity", "LandingZone", "LaunchSite",
    "LaunchWindow", "OneObject", "Orbits", "Pass", "PlaneGeometry", "RendezvousProfile", "beta_angle_deg",
    "catch_up_deg_per_rev", "choose_profile", "circular_period_s", "eclipses", "find_crossings",
    "find_extrema", "ground_tracks", "j2_nodal_rate_deg_day", "landing_opportunities", "landing_zone",
    "landing_zones", "launch_site", "launch_sites", "launch_windows", "parse_site", "passes", "phase_angle_deg",
    "plane_geometry", "split_antimeridian", "subsolar_point", "sun_elevation_deg", "sun_position_km", "terminator",
]
