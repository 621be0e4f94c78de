"""The lifeboat bookkeeping alone (no SimPy): boarding, seats, rides home, damage, gaps.

Cases from the record: a Soyuz crew of three with their own ship (2011); Soyuz MS-22's coolant leak
(Dec 2022) with one crew member moved to Crew Dragon Endurance, refitted as a five-seat lifeboat
(docs/domain-facts.md, sections 3 and 6 [42][53b]).
"""

from __future__ import annotations

from orbops.sim.lifeboats import Lifeboats

SEATS = {"MS-22": 3, "Endurance": 5, "MS-23": 3}


def _station():
    lb = Lifeboats(SEATS.__getitem__)
    lb.board(["prokopyev", "petelin", "rubio"], "MS-22", "ms-22")
    lb.board(["mann", "cassada", "wakata", "kikina"], "Endurance", "crew-5")
    return lb


def test_boarding_gives_each_crew_member_a_seat_and_a_ride_home():
    lb = _station()
    assert lb.riding_home_on("MS-22") == ("prokopyev", "petelin", "rubio")
    assert lb.free_seats("MS-22") == 0 and lb.free_seats("Endurance") == 1
    assert lb.seatless(lambda s: True) == ()
    assert lb.gap_change(lambda s: True) is None


def test_a_damaged_ship_leaves_its_crew_seatless_until_they_move():
    lb = _station()
    usable = (lambda s: s != "MS-22")
    lb.condemn("MS-22")
    assert lb.seatless(usable) == ("prokopyev", "petelin", "rubio")
    assert lb.gap_change(usable) == ("start", ("prokopyev", "petelin", "rubio"))
    assert lb.gap_change(usable) is None  # one gap, reported once
    moved = lb.fill("Endurance", usable)  # the refitted Dragon takes one of them
    assert moved == ["prokopyev"] and lb.free_seats("Endurance") == 0
    assert lb.seatless(usable) == ("petelin", "rubio")
    # the uncrewed replacement docks: the three without a ride home make it theirs, seats and all (as they
    # came home on MS-23 in Sep 2023), and Prokopyev's borrowed Dragon seat is free again
    assert lb.adopt("MS-23", lambda s: s != "MS-22") == ["prokopyev", "petelin", "rubio"]
    assert lb.riding_home_on("MS-23") == ("prokopyev", "petelin", "rubio") and lb.free_seats("Endurance") == 1
    assert lb.gap_change(usable) == ("end", ())


def test_undocking_takes_the_ships_crew_and_its_borrowed_seats():
    lb = _station()
    lb.condemn("MS-22")
    lb.fill("Endurance", lambda s: s != "MS-22")
    departing, borrowed = lb.leave("Endurance")
    assert departing == ("mann", "cassada", "wakata", "kikina") and borrowed == ("prokopyev",)
    assert lb.crew == ["prokopyev", "petelin", "rubio"] and "prokopyev" not in lb.seat
    assert set(lb.increment) == {"prokopyev", "petelin", "rubio"}


def test_giving_up_a_ride_frees_its_seats_for_others():
    lb = _station()
    gave_up = lb.give_up_ride("Endurance")
    assert gave_up == ("mann", "cassada", "wakata", "kikina")
    assert lb.free_seats("Endurance") == 5 and lb.riding_home_on("Endurance") == ()
    lb.assign(["prokopyev", "petelin", "rubio"], "Endurance", home=True)
    assert lb.riding_home_on("Endurance") == ("prokopyev", "petelin", "rubio") and lb.free_seats("Endurance") == 2
