"""The caseload import (CONTRACTS.md, "Caseload import format"): one code path for the command and
the browser. `plan` checks every row without a query per row (what exists is loaded once) and
says what would be created or updated; `apply` writes it all in one transaction with bulk
operations, and only when no row is invalid.

Format version 2 adds a client's leefloon and GPMI (LEEFLOON_COLUMNS), read per client over its
rows, and rows without a trajectory. How each column is read: `ClientLeefloon`. It also adds a
nazorg's job start and a werk-zorgtraject's extension (STEP_COLUMNS).

A row that is impossible or ambiguous is a problem, and then nothing is written; a row that is only
incomplete (a nazorg whose step lies outside the file and the product, a running TWE without its
employer, a nazorg without its job start) imports with a warning (Plan.warnings) that says what
to complete in the case file. The rules of a trajectory are asked of the trajectory a row would
write (Row.trajectory, Trajectory.value_errors): the same rules and messages as the forms."""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from clients import national_number
from clients.models import Assignment, Client
from common.params import is_ascii_digits
from employers.models import Employer, compact_kbo, validate_kbo
from gpmi.models import Exemption, Gpmi
from gpmi.services import exemptions_bulk_accept, gpmis_bulk_record
from leefloon.models import LeefloonDecision
from leefloon.services import decisions_bulk_end, decisions_bulk_record
from organisations.models import CASE_FILE_ROLES, User
from trajectories.models import Placement, Trajectory
from trajectories.rules import (
    FINAL,
    NAZORG_CAN_FOLLOW,
    RUNNING,
    Followed,
    Outcome,
    Status,
    TrajectoryType,
    check_one_running,
    check_running_limit,
    display_date,
    status_for,
)
from trajectories.services import trajectories_bulk_create, trajectories_bulk_end

from .reader import read_table

COLUMNS = ["rijksregisternummer", "voornaam", "achternaam", "geboortedatum", "postcode", "gemeente",
           "leefloon_categorie", "traject_type", "traject_start", "traject_einde", "uitstroom", "werkgever",
           "werkgever_kbo", "trajectbegeleider"]
# Format version 2: optional; a file without them is read as before.
LEEFLOON_COLUMNS = ["leefloon_beslissing", "leefloon_einde", "leefloon_verlaten", "gpmi_ondertekend",
                    "gpmi_vrijstelling"]
# Also optional, for one type each: a nazorg's job start, a werk-zorgtraject's accepted extension.
STEP_COLUMNS = ["job_start", "verlengd_tot"]
ACCEPTED = COLUMNS + LEEFLOON_COLUMNS + STEP_COLUMNS
REQUIRED = ["rijksregisternummer", "voornaam", "achternaam", "traject_type", "traject_start"]
# The cells of a trajectory: a row with none of them records a client without one (format version
# 2); a row with any of them needs the type and the start. A file may leave out all of these
# columns (a list of clients with their leefloon), or carry at least the type and the start.
TRAJECTORY_COLUMNS = ["traject_type", "traject_start", "traject_einde", "uitstroom", "werkgever", "werkgever_kbo",
                      *STEP_COLUMNS]
TRAJECTORY_REQUIRED = ["traject_type", "traject_start"]
DATE_COLUMNS = ("geboortedatum", "traject_start", "traject_einde", "leefloon_beslissing", "leefloon_einde",
                "gpmi_ondertekend", "job_start", "verlengd_tot")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
LENGTHS = {"voornaam": 100, "achternaam": 100, "gemeente": 100, "werkgever": 200}
# A placement needs a function and hours; the import format carries neither, so an imported
# workplace says where it came from and the counsellor completes it.
IMPORTED_FUNCTION = "(uit import)"
IMPORTED_HOURS = 19
# Where a rule's message (trajectories.rules, named by model field) shows in the file.
COLUMN_OF = {"type": "traject_type", "follows": "traject_type", "start_date": "traject_start",
             "end_date": "traject_einde", "planned_end_date": "traject_einde", "outcome": "uitstroom",
             "stop_reason": "uitstroom", "job_start": "job_start", "extended_to": "verlengd_tot"}
# Where the messages of the leefloon and GPMI models (by field) show in the file. An imported
# exemption takes its date from the decision, but its messages belong to its own cell.
DECISION_COLUMN_OF = {"decided_on": "leefloon_beslissing", "start_date": "leefloon_beslissing",
                      "end_date": "leefloon_einde", "end_reason": "leefloon_verlaten", "category": "leefloon_categorie"}
GPMI_COLUMN = "gpmi_ondertekend"
EXEMPTION_COLUMN = "gpmi_vrijstelling"
# The Row attribute that holds each leefloon column.
ROW_ATTRIBUTE = {"leefloon_beslissing": "decided_on", "leefloon_einde": "leefloon_end",
                 "leefloon_verlaten": "leefloon_reason", "gpmi_ondertekend": "gpmi_signed",
                 "gpmi_vrijstelling": "exemption_ground"}


@dataclass
class Problem:
    row: int
    column: str
    message: str
    warning: bool = False  # an incomplete row: it imports, and the warning says what is missing

    def __str__(self):
        values = {"row": self.row, "column": self.column, "message": self.message}
        if self.warning:
            return _("warning: row %(row)s, column %(column)s: %(message)s") % values
        return _("row %(row)s, column %(column)s: %(message)s") % values


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
    decided_on: datetime.date | None = None  # leefloon_beslissing
    leefloon_end: datetime.date | None = None  # leefloon_einde
    leefloon_reason: str = ""  # leefloon_verlaten
    gpmi_signed: datetime.date | None = None  # gpmi_ondertekend
    exemption_ground: str = ""  # gpmi_vrijstelling
    job_start: datetime.date | None = None  # a nazorg's job start
    extended_to: datetime.date | None = None  # verlengd_tot: a werk-zorgtraject's accepted extension
    refused: bool = False  # a rule refuses it: never written, still checked against the other rows
    follows: object = None  # a nazorg's step: a stored Trajectory, or the Row of a step in the file

    @property
    def key(self):
        return (self.national_number, self.type, self.start)

    @property
    def has_trajectory(self):
        """False for a row of format version 2 that records only a client (and its leefloon and GPMI)."""
        return bool(self.type)

    def status(self, today):
        return status_for(self.end, self.outcome, self.start, today)

    def trajectory(self, today, **fields):
        """The trajectory this row writes, unsaved: what the planner asks the rules
        (Trajectory.value_errors) and what apply_import writes, built in one place. An accepted
        extension is the new planned end."""
        trajectory = Trajectory(
            type=self.type, start_date=self.start, end_date=self.end, outcome=self.outcome,
            extended_to=self.extended_to, job_start=self.job_start, status=self.status(today),
            planned_end_date=self.extended_to if self.type == TrajectoryType.WERK_ZORG else None,
            stop_reason=_("imported") if self.outcome == Outcome.STOPGEZET else "", **fields)
        trajectory.fill_defaults()
        return trajectory


NEW, ENDED, UNCHANGED, SKIPPED = "nieuw", "beeindigd", "ongewijzigd", "overgeslagen"


@dataclass
class ClientLeefloon:
    """A client's leefloon and GPMI as the file gives them (format version 2), over the client's rows.
    An empty cell says nothing (another row of the client may give the value); two rows that give
    different values are ambiguous, and refused.

    - leefloon_beslissing: the date of the client's latest decision; it is also the day the
      leefloon starts (the file has no other). One decision per client and date: a stored one of
      the same date is the same decision. Its category is the client's leefloon_categorie.
    - leefloon_einde, leefloon_verlaten: that decision's end and why; only with a decision date, a
      reason only with an end. A re-import may end a running decision; what ended stays as it is.
    - gpmi_ondertekend: a GPMI signed on that day (its content is completed in the case file); a
      stored GPMI of the client signed the same day is the same one. It answers the file's decision,
      else the client's latest one, as a GPMI drawn up in the case file.
    - gpmi_vrijstelling: the ground of an exemption accepted on the decision's date; without a
      decision date it has no date, and is left out with a warning."""

    national_number: str
    name: str
    category: str = ""
    decision_row: Row | None = None
    gpmi_row: Row | None = None
    exemption_row: Row | None = None
    decision_state: str = ""  # NEW, ENDED or UNCHANGED
    gpmi_state: str = ""  # NEW or UNCHANGED
    exemption_state: str = ""  # NEW, UNCHANGED or SKIPPED
    stored_decision: object = None  # the stored decision of the same date
    latest_decision: object = None  # the client's latest stored decision

    @property
    def decided_on(self):
        return self.decision_row.decided_on if self.decision_row else None

    @property
    def leefloon_end(self):
        return self.decision_row.leefloon_end if self.decision_row else None

    @property
    def leefloon_reason(self):
        return self.decision_row.leefloon_reason if self.decision_row else ""

    @property
    def gpmi_signed(self):
        return self.gpmi_row.gpmi_signed if self.gpmi_row else None

    @property
    def exemption_ground(self):
        return self.exemption_row.exemption_ground if self.exemption_row else ""


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
    warnings: list = field(default_factory=list)  # Problem(warning=True): incomplete rows that import
    leefloon: list = field(default_factory=list)  # ClientLeefloon, for the clients whose rows give any

    @property
    def valid(self):
        return not self.problems

    def _count(self, state_name, state):
        return sum(1 for item in self.leefloon if getattr(item, state_name) == state)

    @property
    def leefloon_counts(self):
        """What the leefloon and GPMI columns would write: {what: how many}."""
        return {"decisions": self._count("decision_state", NEW), "ended": self._count("decision_state", ENDED),
                "gpmis": self._count("gpmi_state", NEW), "exemptions": self._count("exemption_state", NEW),
                "unchanged": sum(getattr(item, state) == UNCHANGED for item in self.leefloon
                                 for state in ("decision_state", "gpmi_state", "exemption_state"))}


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
        # Every stored trajectory (two nazorgs may start on one day), and each by the key a row has.
        self.stored = list(Trajectory.objects.of_organisation(organisation).select_related("client"))
        self.trajectories = {(trajectory.client.national_number, trajectory.type, trajectory.start_date): trajectory
                             for trajectory in self.stored}

    def problem(self, row, column, message):
        self.plan.problems.append(Problem(row, column, message))

    def warning(self, row, column, message):
        self.plan.warnings.append(Problem(row, column, message, warning=True))

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
            if any(column in self.table.header for column in LEEFLOON_COLUMNS):
                self._check_leefloon()
        self.plan.warnings.sort(key=lambda warning: warning.row)  # listed by row, as the file reads
        return self.plan

    def _check_header(self):
        seen = set()
        for column in self.table.header:
            if not column:
                self.problem(1, "-", _("a column without a name"))
            elif column in seen:
                self.problem(1, column, _("this column appears twice"))
            seen.add(column)
        unknown = [column for column in self.table.header if column and column not in ACCEPTED]
        for column in unknown:
            self.problem(1, column, _("unknown column (the columns are: %(columns)s)") % {
                "columns": ", ".join(ACCEPTED)})
        # A file of clients only (format version 2) may leave out the trajectory columns altogether.
        clients_only = not any(column in self.table.header for column in TRAJECTORY_COLUMNS)
        for column in REQUIRED:
            if column not in self.table.header and not (clients_only and column in TRAJECTORY_REQUIRED):
                self.problem(1, column, _("this required column is missing"))
        if not self.table.rows and not self.plan.problems:
            self.problem(2, "-", _("the file has a header but no rows"))
        return not self.plan.problems

    def _row(self, number, cells):
        before = len(self.plan.problems)
        # A row whose trajectory cells are all empty records a client only (format version 2).
        has_trajectory = any(cells.get(column) for column in TRAJECTORY_COLUMNS)
        for column in REQUIRED:
            if not cells.get(column) and (has_trajectory or column not in TRAJECTORY_REQUIRED):
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
        for column in DATE_COLUMNS:
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
                  category=cells.get("leefloon_categorie", ""), type=cells.get("traject_type", ""),
                  start=dates.get("traject_start"), end=dates.get("traject_einde"), outcome=cells.get("uitstroom", ""),
                  employer_name=cells.get("werkgever", ""), employer_kbo=kbo,
                  counsellor_id=self.counsellors.get(counsellor_email),
                  decided_on=dates.get("leefloon_beslissing"), leefloon_end=dates.get("leefloon_einde"),
                  leefloon_reason=cells.get("leefloon_verlaten", ""), gpmi_signed=dates.get("gpmi_ondertekend"),
                  exemption_ground=cells.get("gpmi_vrijstelling", ""), job_start=dates.get("job_start"),
                  extended_to=dates.get("verlengd_tot"))
        self._check_rules(row)
        if not row.decided_on:
            for column in ("leefloon_einde", "leefloon_verlaten"):
                if cells.get(column):
                    self.problem(number, column, _("which leefloon ended? Give the date of its decision in "
                                                   "leefloon_beslissing"))
        return row

    def _check_codes(self, number, cells):
        checks = [
            ("traject_type", TrajectoryType.values),
            ("uitstroom", Outcome.values),
            ("leefloon_categorie", Client.LeefloonCategory.values),
            ("leefloon_verlaten", LeefloonDecision.EndReason.values),
            ("gpmi_vrijstelling", Exemption.Ground.values),
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
        """What only a file can get wrong: a birth date that contradicts the national number. The
        rules of the trajectory itself are asked in _check_trajectories, with what it follows."""
        encoded = national_number.birth_date_of(row.national_number)
        if row.birth_date and encoded and row.birth_date != encoded:
            self.problem(row.number, "geboortedatum", _("does not agree with the national number (%(date)s)") % {
                "date": encoded.strftime("%d/%m/%Y")})
            row.refused = True

    def _check_values(self, row, followed=None, extended_to=None):
        """The rules of one trajectory over the row's values, asked of the trajectory it would write
        (Trajectory.value_errors, the rules every writer asks), and what only a file can say: a
        werk-zorgtraject still running past its 18 months (or its extension). `extended_to`: a
        stored trajectory's extension, when the row gives none."""
        trajectory = row.trajectory(self.today)
        trajectory.extended_to = row.extended_to or extended_to
        self.refuse(row, trajectory.value_errors(followed))
        if not row.end:
            self.refuse(row, check_running_limit(row.type, row.start, self.today, trajectory.extended_to))

    def _warn_incomplete(self, row, status):
        """What a new trajectory lacks that the case file completes: it imports, with a warning."""
        if row.type == TrajectoryType.TWE and status in RUNNING and not (row.employer_name or row.employer_kbo):
            self.warning(row.number, "werkgever", _(
                "a running TWE without an employer: imported in its screening; fill in the employer (the "
                "workplace) in the case file"))
        if row.type == TrajectoryType.NAZORG and not row.job_start:
            self.warning(row.number, "job_start", _(
                "a nazorg without the day the job started: the check-ins count from the start of the nazorg "
                "until the job start is filled in in the case file"))

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
        finds its step wherever it stands in the file; a refused row is never counted as there."""
        plan, running, steps = self.plan, {}, {}
        nazorgs = Counter(trajectory.follows_id for trajectory in self.stored
                          if trajectory.type == TrajectoryType.NAZORG and trajectory.status != Status.STOPGEZET)
        for trajectory in self.stored:
            number, start = trajectory.client.national_number, trajectory.start_date
            if trajectory.status in RUNNING:
                running[(number, trajectory.type)] = start
            if trajectory.type != TrajectoryType.NAZORG:
                steps.setdefault(number, []).append(
                    _Step(trajectory.type, start, trajectory.status, nazorgs[trajectory.pk], trajectory))
        seen = {}
        for row in sorted(plan.rows, key=lambda row: row.type == TrajectoryType.NAZORG):
            if not row.has_trajectory:
                continue
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
                self._check_values(row, extended_to=existing.extended_to)
                if not row.refused:
                    self._check_stored(row, existing, steps)
                continue
            before = len(plan.problems)
            status = row.status(self.today)
            step = self._step_before(row, status, steps.get(row.national_number, []))
            # The planner chose a step of the same client; the unsaved trajectory has no client yet.
            self._check_values(row, step and Followed(type=step.type, status=step.status, start=step.start,
                                                      client=None, nazorgs=step.nazorgs))
            if status in RUNNING:
                self.refuse(row, check_one_running(row.type, running.get((row.national_number, row.type))))
            if row.refused or len(plan.problems) > before:
                continue
            plan.new_trajectories.append(row)
            self._warn_incomplete(row, status)
            if status in RUNNING:
                running[(row.national_number, row.type)] = row.start
            if row.type != TrajectoryType.NAZORG:
                steps.setdefault(row.national_number, []).append(_Step(row.type, row.start, status, 0, row))
            if step is not None:
                row.follows = step.trajectory
                step.nazorgs += status != Status.STOPGEZET
        plan.new_clients = sorted({row.national_number for row in plan.rows} - set(self.clients))

    def _step_before(self, row, status, steps):
        """The step a new nazorg follows: the client's latest step before it that ran. Without one
        (history outside the file and the product), or when that step already has a nazorg, the
        nazorg imports on its own, with a warning: the counsellor links it in the case file when
        needed. Neither is ambiguous enough to refuse the row."""
        if row.type != TrajectoryType.NAZORG:
            return None
        step = _step_before(steps, row.start)
        if step is None:
            self.warning(row.number, "traject_type", _(
                "no earlier step of this client that ran, in the file or in the case file: the nazorg is "
                "imported on its own"))
            return None
        if step.nazorgs and status != Status.STOPGEZET:
            self.warning(row.number, "traject_type", _(
                "the step before it (%(type)s of %(start)s) already has a nazorg: this nazorg is imported on "
                "its own") % {"type": TrajectoryType(step.type).label, "start": display_date(step.start)})
            return None
        return step

    def _check_stored(self, row, existing, steps):
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
            for step in steps.get(row.national_number, []):
                if step.trajectory is existing:  # a nazorg in the file follows the step as the file leaves it
                    step.status = row.status(self.today)

    def _check_leefloon(self):
        """The leefloon and GPMI columns (format version 2), per client over its rows, checked by the
        models as the case file's forms check them, against what is stored (read once: three queries)."""
        rows_of = {}
        for row in self.plan.rows:
            rows_of.setdefault(row.national_number, []).append(row)
        stored = self._stored_leefloon(rows_of)
        for number, rows in rows_of.items():
            item = ClientLeefloon(national_number=number, name=f"{rows[0].first_name} {rows[0].last_name}",
                                  category=rows[0].category)
            item.decision_row = self._one_value(rows, "decided_on", ("leefloon_beslissing", "leefloon_einde",
                                                                     "leefloon_verlaten"))
            item.gpmi_row = self._one_value(rows, "gpmi_signed", ("gpmi_ondertekend",))
            item.exemption_row = self._one_value(rows, "exemption_ground", ("gpmi_vrijstelling",))
            if item.decision_row is None and item.gpmi_row is None and item.exemption_row is None:
                continue
            item.category = (item.decision_row and item.decision_row.category) or item.category
            item.latest_decision = stored["latest"].get(number)
            self._plan_decision(item, stored["decisions"].get((number, item.decided_on)))
            self._plan_gpmi(item, stored["gpmis"])
            self._plan_exemption(item, stored["exemptions"])
            self.plan.leefloon.append(item)

    def _stored_leefloon(self, rows_of):
        numbers = list(rows_of)
        decisions, latest = {}, {}
        for decision in (LeefloonDecision.objects.of_organisation(self.organisation)
                         .filter(client__national_number__in=numbers)
                         .annotate(client_number=F("client__national_number")).order_by("-decided_on", "-pk")):
            decisions.setdefault((decision.client_number, decision.decided_on), decision)
            latest.setdefault(decision.client_number, decision)
        gpmis = set(Gpmi.objects.of_organisation(self.organisation).filter(
            client__national_number__in=numbers, signed_on__isnull=False).values_list(
            "client__national_number", "signed_on"))
        exemptions = set(Exemption.objects.of_organisation(self.organisation).filter(
            client__national_number__in=numbers).values_list("client__national_number", "ground", "accepted_on"))
        return {"decisions": decisions, "latest": latest, "gpmis": gpmis, "exemptions": exemptions}

    def _one_value(self, rows, attribute, columns):
        """The first of the client's rows that gives `attribute`; a later row that gives it (and,
        for a decision, its end and reason) otherwise is ambiguous: which one holds?"""
        giving = [row for row in rows if getattr(row, attribute)]
        if not giving:
            return None
        first = giving[0]
        for row in giving[1:]:
            for column in columns:
                if getattr(row, ROW_ATTRIBUTE[column]) != getattr(first, ROW_ATTRIBUTE[column]):
                    self.problem(row.number, column, _(
                        "row %(row)s gives this client another value (%(value)s): which one holds?") % {
                        "row": first.number, "value": _shown(getattr(first, ROW_ATTRIBUTE[column]))})
                    break
        return first

    def _refuse_model(self, instance, exclude, row, columns, default):
        """The model's own validation (full_clean, as behind the forms), its messages in the file's
        columns. `exclude`: the relations, not yet saved or loaded."""
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problem(row.number, columns.get(name, default), message)

    def _plan_decision(self, item, stored):
        """New, unchanged, or (a running one the file ends) ended; the decision as it would be
        written goes through the model's validation first."""
        row = item.decision_row
        if row is None:
            return
        base = stored or LeefloonDecision(decided_on=row.decided_on, start_date=row.decided_on, category=item.category)
        written = LeefloonDecision(decided_on=base.decided_on, start_date=base.start_date, kind=base.kind,
                                   category=base.category, note=base.note, end_date=row.leefloon_end,
                                   end_reason=row.leefloon_reason)
        before = len(self.plan.problems)
        self._refuse_model(written, ["client"], row, DECISION_COLUMN_OF, "leefloon_beslissing")
        if len(self.plan.problems) > before:
            return
        item.stored_decision = stored
        if stored is None:
            item.decision_state = NEW
        elif (stored.end_date, stored.end_reason) == (row.leefloon_end, row.leefloon_reason):
            item.decision_state = UNCHANGED
        elif stored.end_date is not None:
            self.problem(row.number, "leefloon_einde", _(
                "this leefloon decision already ended on %(day)s; change it in the case file") % {
                "day": _shown(stored.end_date)})
        else:
            item.decision_state = ENDED

    def _plan_gpmi(self, item, stored):
        row = item.gpmi_row
        if row is None:
            return
        if (item.national_number, row.gpmi_signed) in stored:
            item.gpmi_state = UNCHANGED
            return
        item.gpmi_state = NEW
        self._refuse_model(Gpmi(signed_on=row.gpmi_signed), ["client", "decision", "drawn_up_by"], row,
                           {"signed_on": GPMI_COLUMN}, GPMI_COLUMN)

    def _plan_exemption(self, item, stored):
        row = item.exemption_row
        if row is None:
            return
        if item.decided_on is None:
            item.exemption_state = SKIPPED
            self.warning(row.number, EXEMPTION_COLUMN, _(
                "an exemption is accepted on the date of the leefloon decision, and leefloon_beslissing is "
                "empty: the exemption was not imported; record it in the case file"))
        elif (item.national_number, row.exemption_ground, item.decided_on) in stored:
            item.exemption_state = UNCHANGED
        else:
            item.exemption_state = NEW
            self._refuse_model(Exemption(ground=row.exemption_ground, accepted_on=item.decided_on),
                               ["client", "decision", "by"], row, {}, EXEMPTION_COLUMN)


def _shown(value):
    """A cell's value in a message: a date as the files write it, an empty cell as such."""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value or _("empty")


@dataclass
class _Step:
    """A step a nazorg of the file may follow (any type but a nazorg): stored, or a row of the file."""

    type: str
    start: datetime.date
    status: str
    nazorgs: int  # nazorgs that follow it and were not stopped
    trajectory: object  # the stored Trajectory, or the Row


def _step_before(steps, start):
    """A nazorg follows the client's latest step that ran (running or closed) and started on or
    before it; of two that started the same day, the TWE (the usual step into work)."""
    return max((step for step in steps if step.start <= start and step.status in NAZORG_CAN_FOLLOW),
               key=lambda step: (step.start, step.type == TrajectoryType.TWE), default=None)


def plan_import(organisation, content, filename="", today=None):
    """Read and check a file; raises reader.UnreadableFile when it cannot be read at all."""
    return Planner(organisation, read_table(content, filename), today).run()


@transaction.atomic
def apply_import(plan, *, by=None):
    """Write a valid plan: clients, employers, trajectories with their steps and workplaces, in
    one transaction and with bulk operations. `by`: who is recorded as the writer; None for an
    organisation that has no users yet (its history, steps and trajectories then name nobody)."""
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
    if plan.leefloon:
        _write_leefloon(plan, clients, by)
    return {"clients": len(plan.new_clients), "trajectories": len(plan.new_trajectories),
            "updated": len(plan.updated_trajectories), **plan.leefloon_counts}


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
    step the planner checked it against), then their workplaces."""
    made = {}
    for row in plan.new_trajectories:
        made[row.key] = row.trajectory(plan.today, client=clients[row.national_number], created_by=by)
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


def _write_leefloon(plan, clients, by):
    """The leefloon decisions, GPMIs and exemptions of the file, through the bulk services of their
    apps (each validated by its model), in a fixed number of queries."""
    decisions, new_decisions = {}, []
    for item in plan.leefloon:
        if item.decision_state == NEW:
            decisions[item.national_number] = LeefloonDecision(
                client=clients[item.national_number], decided_on=item.decided_on, start_date=item.decided_on,
                end_date=item.leefloon_end, end_reason=item.leefloon_reason, category=item.category, note=_("imported"))
            new_decisions.append(decisions[item.national_number])
        elif item.stored_decision is not None:
            decisions[item.national_number] = item.stored_decision
    decisions_bulk_record(new_decisions, by=by)
    decisions_bulk_end([(item.stored_decision, item.leefloon_end, item.leefloon_reason)
                        for item in plan.leefloon if item.decision_state == ENDED], by=by)
    gpmis_bulk_record([
        Gpmi(client=clients[item.national_number], signed_on=item.gpmi_signed,
             decision=decisions.get(item.national_number, item.latest_decision))
        for item in plan.leefloon if item.gpmi_state == NEW], by=by)
    exemptions_bulk_accept([
        Exemption(client=clients[item.national_number], ground=item.exemption_ground, accepted_on=item.decided_on,
                  decision=decisions[item.national_number])
        for item in plan.leefloon if item.exemption_state == NEW], by=by)
