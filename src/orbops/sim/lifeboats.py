"""The lifeboat rule as plain bookkeeping: who is aboard, whose seat is where, who rides home on what.

"Each crew member must have a 'lifeboat' to use if the station suffers an
emergency"; normally the vehicle a crew flew up in (docs/domain-facts.md,
section 6 [44b][84][82]). A *seat* is a crew member's lifeboat; a *home* is
the vehicle that will bring them back as planned (the same vehicle, unless a
contingency moved them). No SimPy here: the engine says which vehicles are
usable (docked here, healthy, within their certified life) and logs what
changes.
"""

from __future__ import annotations

from typing import Callable, Iterable

__all__ = ["Lifeboats"]

Usable = Callable[[str], bool]


class Lifeboats:
    """One station's crew and seats. ``seats_of(serial)``: the return seats of a vehicle."""

    def __init__(self, seats_of: Callable[[str], int]) -> None:
        self.seats_of = seats_of
        self.crew: list[str] = []  # aboard, in order of arrival
        self.seat: dict[str, str] = {}  # crew -> serial of their lifeboat
        self.home: dict[str, str] = {}  # crew -> serial of the vehicle that brings them home
        self.increment: dict[str, str] = {}  # crew -> the mission they came with (what a relief relieves)
        self.gap_open = False

    def riding_home_on(self, serial: str) -> tuple[str, ...]:
        """Crew whose ride home is ``serial``, in order of arrival."""
        return tuple(c for c in self.crew if self.home.get(c) == serial)

    def board(self, crew: Iterable[str], serial: str, increment: str) -> None:
        """Crew arrive on ``serial`` (their seat and their ride home) for the increment ``increment``."""
        for c in crew:
            self.crew.append(c)
            self.seat[c] = self.home[c] = serial
            self.increment[c] = increment

    def leave(self, serial: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``serial`` undocks: its crew go home with it; crew who only had a seat on it lose that seat.
        Returns (departing, left without their borrowed seat)."""
        departing = self.riding_home_on(serial)
        self.crew = [c for c in self.crew if c not in departing]
        for c in departing:
            self.seat.pop(c, None)
            del self.home[c]
            self.increment.pop(c, None)
        borrowed = tuple(c for c in self.crew if self.seat.get(c) == serial)
        for c in borrowed:
            del self.seat[c]
        return departing, borrowed

    def free_seats(self, serial: str) -> int:
        """Seats on ``serial`` nobody aboard holds as a lifeboat or a ride home."""
        taken = sum(1 for c in self.crew if self.seat.get(c) == serial or self.home.get(c) == serial)
        return self.seats_of(serial) - taken

    def has_lifeboat(self, crew_id: str, usable: Usable) -> bool:
        serial = self.seat.get(crew_id)
        return serial is not None and usable(serial)

    def seatless(self, usable: Usable) -> tuple[str, ...]:
        """Crew aboard without a usable lifeboat."""
        return tuple(c for c in self.crew if not self.has_lifeboat(c, usable))

    def assign(self, crew: Iterable[str], serial: str, *, home: bool = False) -> None:
        """Give ``crew`` their lifeboat seat on ``serial`` (and, with ``home``, their ride home)."""
        for c in crew:
            self.seat[c] = serial
            if home:
                self.home[c] = serial

    def unseat(self, crew: Iterable[str]) -> None:
        for c in crew:
            self.seat.pop(c, None)

    def fill(self, serial: str, usable: Usable) -> list[str]:
        """Crew without a usable lifeboat take the free seats of ``serial``; returns who did."""
        take = list(self.seatless(usable))[:max(0, self.free_seats(serial))]
        self.assign(take, serial)
        return take

    def adopt(self, serial: str, rideable: Usable) -> list[str]:
        """Crew whose ride home is gone (not ``rideable``) make ``serial`` theirs, seat and all; returns who did."""
        stranded = [c for c in self.crew if self.home.get(c) is None or not rideable(self.home[c])]
        take = stranded[:max(0, self.free_seats(serial))]
        self.assign(take, serial, home=True)
        return take

    def condemn(self, serial: str) -> None:
        """Nobody rides ``serial`` (damaged) home or sits in it as a lifeboat."""
        for c in self.crew:
            if self.seat.get(c) == serial:
                del self.seat[c]
            if self.home.get(c) == serial:
                del self.home[c]

    def give_up_ride(self, serial: str) -> tuple[str, ...]:
        """The crew riding home on ``serial`` give their seats and ride up (to crew who need them more)."""
        theirs = self.riding_home_on(serial)
        for c in theirs:
            del self.home[c]
        self.unseat(theirs)
        return theirs

    def gap_change(self, usable: Usable) -> tuple[str, tuple[str, ...]] | None:
        """``("start", seatless)`` when crew lose their last usable lifeboat, ``("end", ())`` when all have
        one again, else None."""
        seatless = self.seatless(usable)
        if seatless and not self.gap_open:
            self.gap_open = True
            return "start", seatless
        if not seatless and self.gap_open:
            self.gap_open = False
            return "end", ()
        return None
