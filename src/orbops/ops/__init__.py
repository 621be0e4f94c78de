"""Floor 4: the operations domain as plain immutable data (stations, ports, vehicles, crews, missions,
policies, contingencies). No simpy."""

from .model import (CONTINGENCY_KINDS, RESCUE_ANY, Contingency, CrewMember, DockedAtStart, SourceFile, LandingSite,
                    Launcher, Mission, PlaneStudy, Policy, Port, Scenario, Spaceport, Station, Variant, Vehicle,
                    VehicleClass, file_slug)
from .uncertainty import DISTRIBUTIONS, Distribution, Uncertainty, substream

__all__ = ["CONTINGENCY_KINDS", "RESCUE_ANY", "DISTRIBUTIONS", "Contingency", "Distribution", "substream",
           "CrewMember", "DockedAtStart", "SourceFile", "LandingSite", "Launcher", "Mission", "PlaneStudy", "Policy",
           "Port", "Scenario", "Spaceport", "Station", "Uncertainty", "Variant", "Vehicle", "VehicleClass", "file_slug"]
