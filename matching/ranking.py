"""Matching clients and workplaces "on competences and interests" (seed 001), explained.

Every result carries its score per factor with the reason in words, so a counsellor can see why
someone comes first, and an excluded client carries why they are excluded. Profiles are loaded
with a fixed number of queries whatever the number of clients (bench/match_workplace.py)."""

import unicodedata
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients.models import Barrier, Client
from employers.models import Workplace
from trajectories.models import Trajectory
from trajectories.rules import OPEN, TWE_MIN_HOURS, Status, TrajectoryType

from . import travel

WEIGHTS = {"competences": 35, "interests": 20, "hours": 15, "travel": 20, "barriers": 10}
# Someone already at work in one of these is not free for another workplace.
OCCUPYING_TYPES = (TrajectoryType.TWE, TrajectoryType.WERK_ZORG, TrajectoryType.AMA)


@dataclass
class ClientProfile:
    pk: int
    name: str
    counsellor_id: int | None
    draagkracht: int | None
    postcode: str
    mobility: str
    competences: dict = field(default_factory=dict)  # id -> name
    interests: dict = field(default_factory=dict)
    barriers: list = field(default_factory=list)  # Barrier.Category codes
    busy_with: str = ""  # why the client is not free: a running or proposed TWE / werk-zorg / AMA


@dataclass
class WorkplaceProfile:
    pk: int
    employer_id: int
    label: str
    hours: int
    postcode: str
    required: dict
    useful: dict
    interests: dict
    capacity: int = 1
    taken: int = 0
    is_open: bool = True
    employer_active: bool = True

    @property
    def free_places(self):
        return self.capacity - self.taken

    @property
    def occupancy(self):
        return occupancy(self)


@dataclass
class Factor:
    key: str
    label: str
    score: float  # 0..1
    reason: str

    @property
    def percent(self):
        return round(self.score * 100)


@dataclass
class Match:
    client: ClientProfile
    workplace: WorkplaceProfile
    score: int = 0
    factors: list = field(default_factory=list)
    excluded: str = ""  # why this pair cannot go together now, in words
    excluded_kind: str = ""  # BUSY, HOURS or FULL: what the page's summary counts


# Loading ------------------------------------------------------------------------------------

def client_profiles(organisation, only=None):
    """Profiles of the organisation's clients with an open case file, in five queries."""
    clients = Client.objects.of_organisation(organisation).exclude(status=Client.Status.CLOSED)
    if only is not None:
        clients = clients.filter(pk__in=only)
    profiles = {
        row["pk"]: ClientProfile(pk=row["pk"], name=f"{row['last_name']}, {row['first_name']}",
                                 counsellor_id=row["counsellor_id"], draagkracht=row["draagkracht_hours"],
                                 postcode=row["postcode"], mobility=row["mobility"])
        for row in clients.values("pk", "first_name", "last_name", "counsellor_id", "draagkracht_hours",
                                  "postcode", "mobility")
    }
    ids = list(profiles) if only is not None else None

    def linked(through, target):
        rows = through.objects.filter(client__organisation=organisation)
        if ids is not None:
            rows = rows.filter(client_id__in=ids)
        return rows.values_list("client_id", f"{target}_id", f"{target}__name")

    for client_id, term_id, name in linked(Client.competences.through, "competence"):
        if client_id in profiles:
            profiles[client_id].competences[term_id] = name
    for client_id, term_id, name in linked(Client.interests.through, "interest"):
        if client_id in profiles:
            profiles[client_id].interests[term_id] = name
    barriers = Barrier.objects.of_organisation(organisation).values_list("client_id", "category")
    for client_id, category in barriers:
        if client_id in profiles:
            profiles[client_id].barriers.append(category)
    occupying = Trajectory.objects.of_organisation(organisation).filter(type__in=OCCUPYING_TYPES, status__in=OPEN)
    type_labels = dict(TrajectoryType.choices)
    for client_id, trajectory_type, status in occupying.values_list("client_id", "type", "status"):
        if client_id in profiles:
            template = (_("already proposed for a %(type)s") if status == Status.AANGEMELD
                        else _("already working in a running %(type)s"))
            profiles[client_id].busy_with = template % {"type": type_labels[trajectory_type]}
    return list(profiles.values())


def workplace_profiles(workplaces):
    """Profiles of workplaces (a queryset), with their competences and interests prefetched."""
    workplaces = workplaces.select_related("employer").prefetch_related(
        "required_competences", "useful_competences", "interests").annotate(taken=taken_places())
    return [
        WorkplaceProfile(
            pk=workplace.pk, employer_id=workplace.employer_id, label=str(workplace), hours=workplace.hours_per_week,
            postcode=workplace.postcode or workplace.employer.postcode,
            required={c.pk: c.name for c in workplace.required_competences.all()},
            useful={c.pk: c.name for c in workplace.useful_competences.all()},
            interests={i.pk: i.name for i in workplace.interests.all()},
            capacity=workplace.capacity, taken=workplace.taken, is_open=workplace.is_open,
            employer_active=workplace.employer.active,
        )
        for workplace in workplaces
    ]


def taken_places():
    """Places of a workplace taken by an open trajectory's placement that has not ended."""
    today = timezone.localdate()
    return Count("placements", distinct=True, filter=Q(placements__trajectory__status__in=OPEN) & (
        Q(placements__end_date__isnull=True) | Q(placements__end_date__gte=today)))


# Scoring ------------------------------------------------------------------------------------

def _names(terms):
    return ", ".join(sorted(terms.values()))


def competences_factor(client, workplace):
    have = set(client.competences)
    required, useful = set(workplace.required), set(workplace.useful)
    parts = []
    if required:
        met = required & have
        parts.append(_("%(met)s of %(total)s required") % {"met": len(met), "total": len(required)}
                     + (f" ({_names({k: workplace.required[k] for k in met})})" if met else ""))
        missing = required - have
        if missing:
            parts.append(_("missing: %(names)s") % {"names": _names({k: workplace.required[k] for k in missing})})
        required_score = len(met) / len(required)
    if useful:
        met_useful = useful & have
        parts.append(_("%(met)s of %(total)s useful") % {"met": len(met_useful), "total": len(useful)})
        useful_score = len(met_useful) / len(useful)
    if required and useful:
        score = 0.8 * required_score + 0.2 * useful_score
    elif required:
        score = required_score
    elif useful:
        score = useful_score
    else:
        return Factor("competences", _("Competences"), 0.5, _("the workplace asks no particular competences"))
    return Factor("competences", _("Competences"), score, "; ".join(parts))


def interests_factor(client, workplace):
    if not workplace.interests:
        return Factor("interests", _("Interests"), 0.5, _("the workplace names no field of interest"))
    shared = set(workplace.interests) & set(client.interests)
    if shared:
        return Factor("interests", _("Interests"), 1.0, _("fits the interest in %(names)s") % {
            "names": _names({k: workplace.interests[k] for k in shared})})
    return Factor("interests", _("Interests"), 0.0, _("no shared interest (the workplace: %(names)s)") % {
        "names": _names(workplace.interests)})


def hours_factor(client, workplace):
    if client.draagkracht is None:
        return Factor("hours", _("Hours"), 0.5, _("draagkracht not known yet"))
    spare = client.draagkracht - workplace.hours
    score = 1.0 - 0.5 * spare / max(client.draagkracht, 1)
    return Factor("hours", _("Hours"), score, _("%(hours)s h/week within a draagkracht of %(draagkracht)s h") % {
        "hours": workplace.hours, "draagkracht": client.draagkracht})


def travel_factor(client, workplace):
    distance = travel.ring(client.postcode, workplace.postcode)
    score = travel.reach(client.mobility, distance)
    mobility_barrier = Barrier.Category.MOBILITY in client.barriers
    if mobility_barrier:
        score *= 0.7
    if distance == travel.UNKNOWN:
        reason = _("location unknown (postcode missing or not Belgian)")
    else:
        reason = str(travel.RING_LABELS[distance])
        if client.mobility:
            reason += ", " + _("transport: %(means)s") % {
                "means": dict(Client.Mobility.choices)[client.mobility]}
    if mobility_barrier:
        reason += ", " + _("mobility is a barrier")
    return Factor("travel", _("Travel"), score, reason)


def barriers_factor(client, workplace):
    """Counts barriers without naming them: every counsellor of the OCMW reads the ranking, and a
    name (or the absence of one) would tell who has a medical or psychological barrier."""
    count = len({code for code in client.barriers if code != Barrier.Category.MOBILITY})
    if not count:
        return Factor("barriers", _("Barriers"), 1.0, _("no barriers recorded"))
    reason = ngettext("%(count)s barrier recorded", "%(count)s barriers recorded", count) % {"count": count}
    return Factor("barriers", _("Barriers"), max(0.3, 1.0 - 0.2 * count), reason)


FACTORS = [competences_factor, interests_factor, hours_factor, travel_factor, barriers_factor]


BUSY, HOURS, FULL = "busy", "hours", "full"


def exclusion(client, workplace):
    """(kind, why) this client cannot take this workplace now, or ("", "")."""
    if client.busy_with:
        return BUSY, client.busy_with
    if client.draagkracht is not None and workplace.hours > client.draagkracht:
        return HOURS, _("%(hours)s h/week exceeds the draagkracht of %(draagkracht)s h") % {
            "hours": workplace.hours, "draagkracht": client.draagkracht}
    return "", ""


def match(client, workplace):
    kind, why = exclusion(client, workplace)
    result = Match(client=client, workplace=workplace, excluded=why, excluded_kind=kind)
    if result.excluded:
        return result
    result.factors = [factor(client, workplace) for factor in FACTORS]
    total = sum(WEIGHTS[f.key] * f.score for f in result.factors)
    result.score = round(100 * total / sum(WEIGHTS.values()))
    return result


def proposal_blocker(workplace):
    """Why no placement can be proposed at this workplace (a profile) now, or ''. A proposal
    registers a TWE, so a workplace under the TWE's half-time ranks clients but takes no proposal."""
    if not workplace.is_open:
        return _("this workplace is closed")
    if not workplace.employer_active:
        return _("the employer is no longer active")
    if workplace.hours < TWE_MIN_HOURS:
        return _("a proposal registers a TWE, which asks at least %(minimum)s h/week on the work floor; "
                 "this workplace has %(hours)s h/week") % {"minimum": TWE_MIN_HOURS, "hours": workplace.hours}
    if workplace.free_places <= 0:
        return full_places(workplace)
    return ""


def occupancy(workplace):
    """"closed", "overfull", "full" or "open": a workplace profile, or a Workplace annotated with
    taken_places() as `taken`."""
    if not workplace.is_open:
        return "closed"
    if workplace.taken > workplace.capacity:
        return "overfull"
    return "full" if workplace.taken >= workplace.capacity else "open"


def full_places(workplace):
    if workplace.taken > workplace.capacity:
        return _("%(taken)s placements run on %(capacity)s places: more than it has") % {
            "taken": workplace.taken, "capacity": workplace.capacity}
    return ngettext("its %(capacity)s place is taken", "all %(capacity)s places are taken",
                    workplace.capacity) % {"capacity": workplace.capacity}


def exclusion_summary(excluded):
    """The reasons why these matches are excluded, counted: what a page says when nothing fits."""
    kinds = [m.excluded_kind for m in excluded]
    busy = [m for m in excluded if m.excluded_kind == BUSY]
    lines = []
    if busy and len(busy) == len(excluded) and len({m.client.pk for m in busy}) == 1:
        return [busy[0].excluded]  # one client, busy: the same reason for every workplace
    if busy:
        lines.append(ngettext("%(count)s is already working in or proposed for a TWE, werk-zorg or AMA",
                              "%(count)s are already working in or proposed for a TWE, werk-zorg or AMA",
                              len(busy)) % {"count": len(busy)})
    if kinds.count(HOURS):
        lines.append(ngettext("%(count)s asks more hours than the draagkracht", "%(count)s ask more hours than "
                              "the draagkracht", kinds.count(HOURS)) % {"count": kinds.count(HOURS)})
    if kinds.count(FULL):
        lines.append(ngettext("%(count)s has all its places taken", "%(count)s have all their places taken",
                              kinds.count(FULL)) % {"count": kinds.count(FULL)})
    return lines


def _name_key(text):
    """'de Smet' and 'Özdemir' sort among the d's and o's."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def _ranked(matches, label=lambda m: m.client.name, pk=lambda m: m.client.pk):
    """Best score first; equal scores by name, then by id, so the order never depends on the database."""
    matches = list(matches)
    included = sorted((m for m in matches if not m.excluded), key=lambda m: (-m.score, _name_key(label(m)), pk(m)))
    excluded = sorted((m for m in matches if m.excluded), key=lambda m: (_name_key(label(m)), pk(m)))
    return included, excluded


# Both ways ---------------------------------------------------------------------------------

def one_workplace(workplace):
    """A workplace (read through a scope) as a queryset, to load its profile or count its places."""
    return Workplace.objects.of_organisation(workplace.employer.organisation_id).filter(pk=workplace.pk)


def workplace_profile(workplace):
    [profile] = workplace_profiles(one_workplace(workplace))
    return profile


def clients_for_workplace(workplace, profile=None):
    """(ranked matches, excluded matches) of the organisation's clients for one workplace (its
    profile, when the caller has loaded it already)."""
    profile = profile or workplace_profile(workplace)
    return _ranked(match(client, profile) for client in client_profiles(workplace.employer.organisation))


def workplaces_for_client(client):
    """(ranked matches, excluded matches) of the organisation's open workplaces for one client."""
    [profile] = client_profiles(client.organisation, only=[client.pk]) or [None]
    if profile is None:
        return [], []
    workplaces = workplace_profiles(Workplace.objects.of_organisation(client.organisation_id).open())
    matches = []
    for workplace in workplaces:
        result = match(profile, workplace)
        if workplace.free_places <= 0 and not result.excluded:
            result.excluded, result.excluded_kind = full_places(workplace), FULL
        matches.append(result)
    return _ranked(matches, label=lambda m: m.workplace.label, pk=lambda m: m.workplace.pk)
