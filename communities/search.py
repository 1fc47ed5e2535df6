"""The header's search box: a dwelling by "3-2-101" (building-stairwell-room), "3-101" or its
room number, an owner by name or phone, an estate by name, always within the user's scope.

Personal data: owners are searched by name and phone only where the user may see them
unmasked (`access.PERSONAL`). Elsewhere a typed name or phone number matches nothing, so a
masked result can never confirm that a number someone typed belongs to a dwelling; dwellings
found by their number show their owners masked there, as every page does."""

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from communities.models import Estate, Household, Owner
from renovation import access

LIMIT = 20  # per kind; one more is fetched to say "more: refine the search"
MAX_QUERY = 100

# 3-2-101 (building-stairwell-room) and 3-101 (building-room).
DASHED = re.compile(r"^([0-9A-Za-z]+)-([0-9A-Za-z]+)(?:-([0-9A-Za-z]+))?$")
# 3号楼2单元101室, 3栋101, 3幢2单元101.
WRITTEN = re.compile(r"^([0-9A-Za-z]+)(?:号楼|栋|幢|号)(?:([0-9A-Za-z]+)单元)?([0-9A-Za-z]+)室?$")
ROOM = re.compile(r"^\d{1,6}[A-Za-z]?$")
PHONE = re.compile(r"^\+?\d{4,}$")


@dataclass
class Terms:
    """What the typed text asks for."""

    codes: list[tuple[str, str | None, str]] = field(default_factory=list)  # building, stair, room
    rooms: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # names of estates or owners

    def __bool__(self):
        return bool(self.codes or self.rooms or self.phones or self.words)


def parse(text: str) -> Terms:
    terms = Terms()
    for token in (text or "")[:MAX_QUERY].split():
        dashed, written = DASHED.match(token), WRITTEN.match(token)
        if dashed:
            building, middle, last = dashed.groups()
            code = (building, middle, last) if last else (building, None, middle)
            terms.codes.append(code)
        elif written:
            terms.codes.append(written.groups())
        else:
            digits = token.lstrip("+")
            if ROOM.match(token):
                terms.rooms.append(token)
            if PHONE.match(token) and digits.isdigit():
                terms.phones.append(digits)
            if not (ROOM.match(token) or PHONE.match(token)):
                terms.words.append(token)
    return terms


@dataclass
class Results:
    terms: Terms
    estates: list = field(default_factory=list)
    dwellings: list = field(default_factory=list)
    owners: list = field(default_factory=list)
    more: set = field(default_factory=set)  # kinds with more than LIMIT matches
    searches_owners: bool = False  # the user may see personal data somewhere

    @property
    def count(self) -> int:
        return len(self.estates) + len(self.dwellings) + len(self.owners)


def _all_words(field_name: str, words: list[str]) -> Q:
    q = Q()
    for word in words:
        q &= Q(**{f"{field_name}__icontains": word})
    return q


def _dwelling_q(terms: Terms, prefix: str = "") -> Q:
    """Any of the dwelling numbers typed."""
    q = Q(pk__in=[])
    for building, stairwell, room in terms.codes:
        one = Q(
            **{
                f"{prefix}stairwell__building__number__iexact": building,
                f"{prefix}room_number__iexact": room,
            }
        )
        if stairwell:
            one &= Q(**{f"{prefix}stairwell__number__iexact": stairwell})
        q |= one
    for room in terms.rooms:
        q |= Q(**{f"{prefix}room_number__iexact": room})
    return q


def _limited(queryset: QuerySet, kind: str, more: set) -> list:
    rows = list(queryset[: LIMIT + 1])
    if len(rows) > LIMIT:
        more.add(kind)
    return rows[:LIMIT]


def registry_search(*, user, text: str) -> Results:
    """Estates, dwellings and owners matching `text` in the user's scope; at most LIMIT of each,
    in a fixed number of queries (one per kind, one for the dwellings' owners)."""
    terms = parse(text)
    personal_paths = access.region_paths(user, access.PERSONAL)
    results = Results(terms, searches_owners=personal_paths is None or bool(personal_paths))
    if not terms:
        return results

    if terms.words:
        estates = access.scope_queryset(user, Estate.objects.select_related("community"))
        results.estates = _limited(
            estates.filter(_all_words("name", terms.words)).order_by("name", "pk"),
            "estates",
            results.more,
        )

    if terms.codes or terms.rooms:
        dwellings = access.scope_queryset(user, Household.objects.all()).filter(_dwelling_q(terms))
        if terms.words:
            # "日晖六村 3-2-101": the words narrow the dwellings to an estate by its name, or to
            # an owner by name, but only where owners' names may be seen.
            narrow = _all_words("stairwell__building__estate__name", terms.words)
            owner_q = access.scope_q(user, Owner, access.PERSONAL)
            named = Owner.objects.filter(_all_words("name", terms.words))
            if owner_q is not None:
                named = named.filter(owner_q)
            narrow |= Q(pk__in=named.values("household_id"))
            dwellings = dwellings.filter(narrow)
        dwellings = (
            dwellings.select_related("stairwell__building__estate__community")
            .prefetch_related(
                Prefetch("owners", queryset=Owner.objects.order_by("-is_primary", "name", "pk"))
            )
            .order_by(
                "stairwell__building__estate__name",
                "stairwell__building__number",
                "stairwell__number",
                "floor",
                "room_number",
            )
        )
        results.dwellings = _limited(dwellings, "dwellings", results.more)
        for dwelling in results.dwellings:
            sees = access.has_perm(
                user, access.PERSONAL, dwelling.stairwell.building.estate.community.path
            )
            for owner in dwelling.owners.all():
                owner.display_name = owner.name if sees else access.mask_name(owner.name)
                owner.display_phone = owner.phone if sees else access.mask_phone(owner.phone)

    if results.searches_owners and (terms.words or terms.phones):
        owners = access.scope_queryset(
            user,
            Owner.objects.select_related("household__stairwell__building__estate"),
            access.PERSONAL,
        )
        if terms.words:
            # Each word is in the owner's name or their estate's ("日晖六村 王"); one at least
            # in the name, so an estate's name alone does not list its owners.
            in_name = Q(pk__in=[])
            for word in terms.words:
                in_name |= Q(name__icontains=word)
                owners = owners.filter(
                    Q(name__icontains=word)
                    | Q(household__stairwell__building__estate__name__icontains=word)
                )
            owners = owners.filter(in_name)
        if terms.phones:
            phone_q = Q(pk__in=[])
            for phone in terms.phones:
                phone_q |= Q(phone__contains=phone)
            owners = owners.filter(phone_q)
        # Digits that may be a room or a phone's end (4 to 6) count as a phone here.
        rooms = Terms(codes=terms.codes, rooms=[r for r in terms.rooms if r not in terms.phones])
        if rooms.codes or rooms.rooms:
            owners = owners.filter(_dwelling_q(rooms, prefix="household__"))
        results.owners = _limited(
            owners.order_by("name", "household__stairwell__building__estate__name", "pk"),
            "owners",
            results.more,
        )
    return results
