"""Floors across levels, checked as they will be once the plan is written: a dwelling within
its stairwell's floors (the database's trigger holds that too, but a person needs the row and
the place), a stairwell within its building's. A new building without a floor count takes the
highest floor of its dwellings, and the preview says so."""

from django.utils.translation import gettext as _

from communities.importing.columns import BY_KEY
from communities.importing.plan import Node, Plan, final


def check_floors(plan: Plan, registry, reader) -> None:
    inferred = 0
    for building in plan.nodes("building"):
        floors = final(building, "floors")
        if not floors:
            highest = [
                final(h, "floor") for s in building.children.values() for h in s.children.values()
            ] + [final(s, "floors") for s in building.children.values()]
            floors = max([f for f in highest if f] or [0])
            if not floors and building.failed_rows:
                continue  # its rows' own problems say what is wrong
            if not floors:
                reader.problem(
                    building.row,
                    "building_floors" if reader.has("building_floors") else "building",
                    _("Required for a new building (%(column)s).")
                    % {"column": BY_KEY["building_floors"].header},
                    place=building.place,
                )
                continue
            building.obj.floors = floors
            inferred += 1
        for stairwell in building.children.values():
            _check_stairwell(registry, reader, building, stairwell, floors)
        if building.existing and "floors" in building.changes:
            in_file = {s.obj.pk for s in building.children.values() if s.existing}
            for other in registry.all_stairwells.get(building.obj.pk, []):
                if other.pk not in in_file and other.floors > floors:
                    reader.problem(
                        building.row,
                        "building_floors",
                        _("Stairwell %(n)s of this building has %(floors)s floors.")
                        % {"n": other.number, "floors": other.floors},
                        place=building.place,
                    )
    if inferred:
        plan.warnings.append(
            _(
                "%(n)s new buildings have no floor count in the file: each takes the "
                "highest floor of its dwellings."
            )
            % {"n": inferred}
        )


def _check_stairwell(registry, reader, building: Node, stairwell: Node, building_floors: int):
    floors = final(stairwell, "floors") or building_floors
    if not stairwell.existing:
        stairwell.obj.floors = floors
    if floors > building_floors and (not stairwell.existing or stairwell.changes):
        reader.problem(
            stairwell.row,
            "stairwell_floors" if reader.has("stairwell_floors") else "stairwell",
            _("The building has only %(n)s floors.") % {"n": building_floors},
            place=stairwell.place,
        )
    elif floors > building_floors and "floors" in building.changes:
        # The file lowers the building under a stairwell it leaves as it is.
        reader.problem(
            building.row,
            "building_floors",
            _("Stairwell %(n)s of this building has %(floors)s floors.")
            % {"n": stairwell.obj.number, "floors": floors},
            place=building.place,
        )
    for household in stairwell.children.values():
        if final(household, "floor") > floors:
            reader.problem(
                household.row,
                "floor" if reader.has("floor") else "room_number",
                _("The stairwell has only %(n)s floors.") % {"n": floors},
                place=household.place,
            )
    if stairwell.existing and "floors" in stairwell.changes:
        in_file = {h.obj.pk for h in stairwell.children.values() if h.existing}
        for other in registry.all_households.get(stairwell.obj.pk, []):
            if other.pk not in in_file and other.floor > floors:
                reader.problem(
                    stairwell.row,
                    "stairwell_floors",
                    _("Room %(room)s of this stairwell is on floor %(floor)s.")
                    % {"room": other.room_number, "floor": other.floor},
                    place=stairwell.place,
                )
