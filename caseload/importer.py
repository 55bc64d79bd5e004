"""The caseload import (CONTRACTS.md, "Caseload import format"): one code path for the command and
the browser. `plan` checks every row without a query per row (what exists is loaded once) and
says what would be created or updated; `apply` writes it all in one transaction with bulk
operations, and only when no row is invalid."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from clients import national_number
from clients.models import Assignment, Client
from common.params import is_ascii_digits
from employers.models import Employer, compact_kbo, validate_kbo
from organisations.models import CASE_FILE_ROLES, User
from trajectories.models import Placement, Trajectory
from trajectories.rules import (
    FINAL,
    RUNNING,
    FollowedTwe,
    Outcome,
    Status,
    TrajectoryType,
    check_dates,
    check_follows,
    check_one_running,
    check_outcome,
    check_running_limit,
    status_for,
)
from trajectories.services import trajectories_bulk_create, trajectories_bulk_end

from .reader import read_table

COLUMNS = ["rijksregisternummer", "voornaam", "achternaam", "geboortedatum", "postcode", "gemeente",
           "leefloon_categorie", "traject_type", "traject_start", "traject_einde", "uitstroom", "werkgever",
           "werkgever_kbo", "trajectbegeleider"]
REQUIRED = ["rijksregisternummer", "voornaam", "achternaam", "traject_type", "traject_start"]
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
LENGTHS = {"voornaam": 100, "achternaam": 100, "gemeente": 100, "werkgever": 200}
# A placement needs a function and hours; the import format carries neither, so an imported
# workplace says where it came from and the counsellor completes it.
IMPORTED_FUNCTION = "(uit import)"
IMPORTED_HOURS = 19
# Where a rule's message (trajectories.rules, named by model field) shows in the file.
COLUMN_OF = {"type": "traject_type", "follows": "traject_type", "start_date": "traject_start",
             "end_date": "traject_einde", "planned_end_date": "traject_einde", "outcome": "uitstroom",
             "stop_reason": "uitstroom"}


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def __str__(self):
        return _("row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message}


@dataclass
class Row:
    number: int
    national_number: str
    first_name: str
    last_name: str
    birth_date: datetime.date | None
    postcode: str
    municipality: str
    category: str
    type: str
    start: datetime.date
    end: datetime.date | None
    outcome: str
    employer_name: str
    employer_kbo: str
    counsellor_id: int | None
    refused: bool = False  # a rule refuses it: never written, still checked against the other rows
    follows: object = None  # a nazorg's TWE: a stored Trajectory, or the Row of a TWE in the file

    @property
    def key(self):
        return (self.national_number, self.type, self.start)


@dataclass
class Plan:
    organisation: object
    today: datetime.date | None = None  # the day the statuses are judged on
    problems: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    new_clients: list = field(default_factory=list)  # national numbers
    new_employers: list = field(default_factory=list)  # (kbo, name)
    new_trajectories: list = field(default_factory=list)  # Row
    updated_trajectories: list = field(default_factory=list)  # (Trajectory, Row)
    unchanged: int = 0

    @property
    def valid(self):
        return not self.problems


def parse_date(text):
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise ValueError(text)


class Planner:
    """Checks a table against the domain rules, with what exists in the organisation loaded once."""

    def __init__(self, organisation, table, today=None):
        self.organisation, self.table = organisation, table
        self.today = today or timezone.localdate()
        self.plan = Plan(organisation=organisation, today=self.today)
        self.clients = {c.national_number: c for c in Client.objects.of_organisation(organisation)}
        self.counsellors = {email.lower(): pk for pk, email in User.objects.of_organisation(
            organisation).filter(role__in=CASE_FILE_ROLES, is_active=True).values_list("pk", "email")}
        self.trajectories = {}
        for trajectory in Trajectory.objects.of_organisation(organisation).select_related("client"):
            self.trajectories[(trajectory.client.national_number, trajectory.type, trajectory.start_date)] = trajectory

    def problem(self, row, column, message):
        self.plan.problems.append(Problem(row, column, message))

    def run(self):
        if self._check_header():
            names = {}
            for number, cells, extra in self.table.rows:
                if extra:
                    self.problem(number, "-", _("more cells than there are columns: %(cells)s") % {
                        "cells": ", ".join(extra[:3])})
                    continue
                row = self._row(number, cells)
                if row:
                    self._check_person(row, names)
                    self.plan.rows.append(row)
            self._check_employers()
            self._check_trajectories()
        return self.plan

    def _check_header(self):
        seen = set()
        for column in self.table.header:
            if not column:
                self.problem(1, "-", _("a column without a name"))
            elif column in seen:
                self.problem(1, column, _("this column appears twice"))
            seen.add(column)
        unknown = [column for column in self.table.header if column and column not in COLUMNS]
        for column in unknown:
            self.problem(1, column, _("unknown column (the columns are: %(columns)s)") % {
                "columns": ", ".join(COLUMNS)})
        for column in REQUIRED:
            if column not in self.table.header:
                self.problem(1, column, _("this required column is missing"))
        if not self.table.rows and not self.plan.problems:
            self.problem(2, "-", _("the file has a header but no rows"))
        return not self.plan.problems

    def _row(self, number, cells):
        before = len(self.plan.problems)
        for column in REQUIRED:
            if not cells.get(column):
                self.problem(number, column, _("this column is required"))
        number_text = national_number.compact(cells.get("rijksregisternummer", ""))
        if is_ascii_digits(number_text) and len(number_text) == 10:  # a spreadsheet number lost its leading zero
            number_text = number_text.zfill(11)
        if number_text:
            try:
                national_number.validate_national_number(number_text)
            except ValidationError as error:
                self.problem(number, "rijksregisternummer", " ".join(error.messages))
        dates = {}
        for column in ("geboortedatum", "traject_start", "traject_einde"):
            if cells.get(column):
                try:
                    dates[column] = parse_date(cells[column])
                except ValueError:
                    self.problem(number, column, _("“%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY)") % {
                        "value": cells[column]})
                    continue
                if not datetime.date(1900, 1, 1) <= dates[column] <= self.today + relativedelta(years=10):
                    self.problem(number, column, _("%(value)s is outside the years this product accepts") % {
                        "value": cells[column]})
        self._check_codes(number, cells)
        counsellor_email = cells.get("trajectbegeleider", "").lower()
        if counsellor_email and counsellor_email not in self.counsellors:
            self.problem(number, "trajectbegeleider", _("“%(email)s” is not a counsellor of this organisation") % {
                "email": cells["trajectbegeleider"]})
        for column, limit in LENGTHS.items():
            if len(cells.get(column, "")) > limit:
                self.problem(number, column, _("at most %(limit)s characters") % {"limit": limit})
        kbo = compact_kbo(cells.get("werkgever_kbo", ""))
        if is_ascii_digits(kbo) and len(kbo) == 9:
            kbo = kbo.zfill(10)
        if kbo:
            try:
                validate_kbo(kbo)
            except ValidationError as error:
                self.problem(number, "werkgever_kbo", " ".join(error.messages))
        if len(self.plan.problems) > before:
            return None
        row = Row(number=number, national_number=number_text, first_name=cells["voornaam"],
                  last_name=cells["achternaam"], birth_date=dates.get("geboortedatum"),
                  postcode=cells.get("postcode", ""), municipality=cells.get("gemeente", ""),
                  category=cells.get("leefloon_categorie", ""), type=cells["traject_type"],
                  start=dates["traject_start"], end=dates.get("traject_einde"), outcome=cells.get("uitstroom", ""),
                  employer_name=cells.get("werkgever", ""), employer_kbo=kbo,
                  counsellor_id=self.counsellors.get(counsellor_email))
        self._check_rules(row)
        return row

    def _check_codes(self, number, cells):
        checks = [
            ("traject_type", TrajectoryType.values),
            ("uitstroom", Outcome.values),
            ("leefloon_categorie", Client.LeefloonCategory.values),
        ]
        for column, allowed in checks:
            value = cells.get(column, "")
            if value and value not in allowed:
                self.problem(number, column, _("unknown code “%(value)s” (allowed: %(allowed)s)") % {
                    "value": value, "allowed": ", ".join(allowed)})
        postcode = cells.get("postcode", "")
        if postcode and not (len(postcode) == 4 and is_ascii_digits(postcode)):
            self.problem(number, "postcode", _("a Belgian postcode has 4 digits"))

    def refuse(self, row, errors):
        """The messages of trajectories.rules ({model field: message}) on the row, in its columns."""
        for name, message in errors.items():
            self.problem(row.number, COLUMN_OF.get(name, "-"), message)
        row.refused = row.refused or bool(errors)

    def _check_rules(self, row):
        """The rules of one trajectory (trajectories.rules), and what only a file can get wrong: a
        birth date that contradicts the national number, a running TWE without its workplace, a
        werk-zorgtraject said to run past its 18 months."""
        encoded = national_number.birth_date_of(row.national_number)
        if row.birth_date and encoded and row.birth_date != encoded:
            self.problem(row.number, "geboortedatum", _("does not agree with the national number (%(date)s)") % {
                "date": encoded.strftime("%d/%m/%Y")})
            row.refused = True
        status = status_for(row.end, row.outcome, row.start, self.today)
        self.refuse(row, {**check_dates(row.type, row.start, row.end),
                          **check_outcome(status, row.end, row.outcome, _("imported"))})
        if row.type == TrajectoryType.TWE and status in RUNNING and not (row.employer_name or row.employer_kbo):
            self.problem(row.number, "werkgever", _("a running TWE has a workplace: name the employer"))
            row.refused = True
        if not row.end:
            self.refuse(row, check_running_limit(row.type, row.start, self.today))

    def _check_person(self, row, names):
        """The same national number is one person: names agree across rows and with the file."""
        seen = names.setdefault(row.national_number, (row.number, row.first_name, row.last_name))
        existing = self.clients.get(row.national_number)
        if (seen[1].casefold(), seen[2].casefold()) != (row.first_name.casefold(), row.last_name.casefold()):
            self.problem(row.number, "voornaam", _(
                "the same national number as row %(row)s but another name (%(name)s)") % {
                "row": seen[0], "name": f"{seen[1]} {seen[2]}"})
        elif existing and (existing.first_name.casefold(), existing.last_name.casefold()) != (
                row.first_name.casefold(), row.last_name.casefold()):
            self.problem(row.number, "voornaam", _(
                "this national number belongs to %(name)s in this organisation") % {"name": existing.full_name})

    def _check_employers(self):
        """One employer per name in the file and in the organisation: a name may not come with two
        KBO numbers, nor with another KBO than the stored employer of that name."""
        stored = {name.lower(): kbo for name, kbo in Employer.objects.of_organisation(
            self.organisation).values_list("name", "kbo_number")}
        seen = {}
        for row in self.plan.rows:
            if not row.employer_name:
                continue
            name = row.employer_name.lower()
            kbo = row.employer_kbo or stored.get(name, "")
            if row.employer_kbo and stored.get(name) and stored[name] != row.employer_kbo:
                self.problem(row.number, "werkgever_kbo", _(
                    "%(name)s is known with another enterprise number") % {"name": row.employer_name})
            elif row.employer_kbo and seen.get(name) and seen[name][1] and seen[name][1] != row.employer_kbo:
                self.problem(row.number, "werkgever_kbo", _(
                    "row %(row)s gives %(name)s another enterprise number") % {
                    "row": seen[name][0], "name": row.employer_name})
            seen.setdefault(name, (row.number, kbo))

    def _check_trajectories(self):
        """The rules between trajectories, over the file and what is stored: one running trajectory
        of a type per client, and what a nazorg follows. Everything but nazorg first, so a nazorg
        finds its TWE wherever it stands in the file; a refused row is never counted as there."""
        plan, running, twes = self.plan, {}, {}
        nazorgs = Counter(trajectory.follows_id for trajectory in self.trajectories.values()
                          if trajectory.type == TrajectoryType.NAZORG and trajectory.status != Status.STOPGEZET)
        for (number, trajectory_type, start), trajectory in self.trajectories.items():
            if trajectory.status in RUNNING:
                running[(number, trajectory_type)] = start
            if trajectory_type == TrajectoryType.TWE:
                twes.setdefault(number, []).append(_Twe(start, trajectory.status, nazorgs[trajectory.pk], trajectory))
        seen = {}
        for row in sorted(plan.rows, key=lambda row: row.type == TrajectoryType.NAZORG):
            if row.key in seen:
                first = seen[row.key]
                if (first.end, first.outcome) == (row.end, row.outcome):
                    plan.unchanged += 1  # the same row twice
                else:
                    self.problem(row.number, "traject_start", _("the same trajectory as row %(row)s, but different") % {
                        "row": first.number})
                continue
            seen[row.key] = row
            existing = self.trajectories.get(row.key)
            if existing is not None:
                if not row.refused:
                    self._check_stored(row, existing, twes)
                continue
            before = len(plan.problems)
            status = status_for(row.end, row.outcome, row.start, self.today)
            twe = None
            if row.type == TrajectoryType.NAZORG:
                twe = _twe_before(twes.get(row.national_number, []), row.start)
                if twe is None:
                    self.problem(row.number, "traject_type",
                                 _("a nazorg follows a TWE: this client has none before it"))
                else:
                    self.refuse(row, check_follows(row.type, row.start, row.national_number, FollowedTwe(
                        type=TrajectoryType.TWE, status=twe.status, start=twe.start, client=row.national_number,
                        nazorgs=twe.nazorgs), status))
            if status in RUNNING:
                self.refuse(row, check_one_running(row.type, running.get((row.national_number, row.type))))
            if row.refused or len(plan.problems) > before:
                continue
            plan.new_trajectories.append(row)
            if status in RUNNING:
                running[(row.national_number, row.type)] = row.start
            if row.type == TrajectoryType.TWE:
                twes.setdefault(row.national_number, []).append(_Twe(row.start, status, 0, row))
            if twe is not None:
                row.follows = twe.trajectory
                twe.nazorgs += status != Status.STOPGEZET
        plan.new_clients = sorted({row.national_number for row in plan.rows} - set(self.clients))

    def _check_stored(self, row, existing, twes):
        """A row of a trajectory that is stored: unchanged, or closed now (a file never reopens or
        rewrites what was closed in the case file)."""
        plan = self.plan
        if (existing.end_date, existing.outcome) == (row.end, row.outcome):
            plan.unchanged += 1
        elif existing.status in FINAL:
            self.problem(row.number, "traject_einde", _(
                "this trajectory was already closed on %(day)s (%(outcome)s); change it in the case file") % {
                "day": existing.end_date.strftime("%d/%m/%Y") if existing.end_date else "—",
                "outcome": existing.get_outcome_display() or "—"})
        elif not row.end:
            plan.unchanged += 1
        else:
            plan.updated_trajectories.append((existing, row))
            for twe in twes.get(row.national_number, []):
                if twe.trajectory is existing:  # a nazorg in the file follows the TWE as the file leaves it
                    twe.status = status_for(row.end, row.outcome, row.start, self.today)


@dataclass
class _Twe:
    """A TWE a nazorg of the file may follow: stored, or a row of the file."""

    start: datetime.date
    status: str
    nazorgs: int  # nazorgs that follow it and were not stopped
    trajectory: object  # the stored Trajectory, or the Row


def _twe_before(twes, start):
    """A nazorg follows the client's latest TWE that started on or before it."""
    return max((twe for twe in twes if twe.start <= start), key=lambda twe: twe.start, default=None)


def plan_import(organisation, content, filename="", today=None):
    """Read and check a file; raises reader.UnreadableFile when it cannot be read at all."""
    return Planner(organisation, read_table(content, filename), today).run()


@transaction.atomic
def apply_import(plan, *, by):
    """Write a valid plan: clients, employers, trajectories with their steps and workplaces, in
    one transaction and with bulk operations."""
    if not plan.valid:
        raise ValueError("An invalid plan is never written.")
    organisation = plan.organisation
    first_rows = {}
    for row in plan.rows:
        first_rows.setdefault(row.national_number, row)
    bulk_create_with_history([
        Client(organisation=organisation, national_number=number, first_name=row.first_name, last_name=row.last_name,
               birth_date=row.birth_date or national_number.birth_date_of(number), postcode=row.postcode,
               municipality=row.municipality, leefloon_category=row.category, counsellor_id=row.counsellor_id,
               status=Client.Status.ACTIVE)
        for number, row in ((n, first_rows[n]) for n in plan.new_clients)], Client, default_user=by)
    clients = {c.national_number: c for c in Client.objects.of_organisation(organisation).filter(
        national_number__in=list(first_rows))}
    # Who holds each new file from now; an imported caseload is not news to its counsellors.
    now = timezone.now()
    Assignment.objects.bulk_create(
        Assignment(client=clients[number], counsellor_id=clients[number].counsellor_id, by=by, at=now, seen_at=now)
        for number in plan.new_clients if clients[number].counsellor_id)
    employers = _employers(organisation, plan.new_trajectories, by)
    # What the file closes first: a new nazorg follows its TWE as the file leaves it (as planned).
    if plan.updated_trajectories:
        _update_trajectories(plan, by)
    if plan.new_trajectories:
        _create_trajectories(plan, clients, employers, by)
    return {"clients": len(plan.new_clients), "trajectories": len(plan.new_trajectories),
            "updated": len(plan.updated_trajectories)}


def _employers(organisation, rows, by):
    """Employers by KBO number when it is known, else by name (case-insensitive; the planner made
    sure a name has one KBO); missing ones created, with their history."""
    existing = list(Employer.objects.of_organisation(organisation).annotate(lower_name=Lower("name")))
    by_kbo = {e.kbo_number: e for e in existing if e.kbo_number}
    by_name = {e.lower_name: e for e in existing}

    def find(row):
        if row.employer_kbo and row.employer_kbo in by_kbo:
            return by_kbo[row.employer_kbo]
        return by_name.get(row.employer_name.lower()) if row.employer_name else None

    missing = {}
    for row in rows:
        if (row.employer_kbo or row.employer_name) and find(row) is None:
            key = row.employer_name.lower() or row.employer_kbo
            employer = missing.setdefault(key, Employer(organisation=organisation, kbo_number=row.employer_kbo,
                                                        name=row.employer_name or row.employer_kbo))
            employer.kbo_number = employer.kbo_number or row.employer_kbo
    for employer in bulk_create_with_history(list(missing.values()), Employer, default_user=by):
        if employer.kbo_number:
            by_kbo[employer.kbo_number] = employer
        by_name[employer.name.lower()] = employer
    return find


def _create_trajectories(plan, clients, find_employer, by):
    """The new trajectories through the bulk service (their lifecycle steps, a nazorg linked to the
    TWE the planner checked it against), then their workplaces."""
    made = {}
    for row in plan.new_trajectories:
        made[row.key] = Trajectory(
            client=clients[row.national_number], type=row.type, start_date=row.start, end_date=row.end,
            outcome=row.outcome, created_by=by, stop_reason=_("imported") if row.outcome == Outcome.STOPGEZET else "")
    for row in plan.new_trajectories:
        if row.follows is not None:
            made[row.key].follows = made[row.follows.key] if isinstance(row.follows, Row) else row.follows
    trajectories_bulk_create(made.values(), by=by, note=_("imported"), today=plan.today)
    placements = []
    for row in plan.new_trajectories:
        employer = find_employer(row)
        if employer:
            placements.append(Placement(trajectory=made[row.key], employer=employer, function=IMPORTED_FUNCTION,
                                        hours_per_week=IMPORTED_HOURS, start_date=row.start, end_date=row.end))
    bulk_create_with_history(placements, Placement, default_user=by)


def _update_trajectories(plan, by):
    """A re-import that brings an end (and outcome) closes the trajectory as of that date."""
    trajectories_bulk_end([(trajectory, row.end, row.outcome) for trajectory, row in plan.updated_trajectories],
                          by=by, note=_("imported"), today=plan.today)
