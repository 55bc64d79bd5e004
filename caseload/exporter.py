"""The caseload in the import format (CONTRACTS.md), so that an export imports back unchanged.
One row per trajectory; a client without any trajectory has no row (the format requires a type)."""

import csv
import io

from openpyxl import Workbook

from clients import national_number
from trajectories.models import Placement, Trajectory

from .importer import COLUMNS, STEP_COLUMNS

# The trajectory's own dates that the format carries since version 2 (an extension, a job start),
# so an export imports back unchanged.
EXPORTED = COLUMNS + STEP_COLUMNS


def caseload_rows(organisation):
    """The rows, in a stable order, with two queries whatever the size."""
    trajectories = (Trajectory.objects.of_organisation(organisation)
                    .select_related("client__counsellor")
                    .order_by("client__national_number", "start_date", "type", "pk"))
    first_employer = {}
    for placement in (Placement.objects.of_organisation(organisation)
                      .select_related("employer").order_by("trajectory_id", "start_date", "pk")):
        first_employer.setdefault(placement.trajectory_id, placement.employer)
    rows = []
    for trajectory in trajectories:
        client, employer = trajectory.client, first_employer.get(trajectory.pk)
        rows.append({
            "rijksregisternummer": national_number.display(client.national_number),
            "voornaam": client.first_name,
            "achternaam": client.last_name,
            "geboortedatum": client.birth_date.isoformat() if client.birth_date else "",
            "postcode": client.postcode,
            "gemeente": client.municipality,
            "leefloon_categorie": client.leefloon_category,
            "traject_type": trajectory.type,
            "traject_start": trajectory.start_date.isoformat(),
            "traject_einde": trajectory.end_date.isoformat() if trajectory.end_date else "",
            "uitstroom": trajectory.outcome,
            "werkgever": employer.name if employer else "",
            "werkgever_kbo": employer.kbo_display if employer and employer.kbo_number else "",
            "trajectbegeleider": client.counsellor.email if client.counsellor else "",
            "job_start": trajectory.job_start.isoformat() if trajectory.job_start else "",
            "verlengd_tot": trajectory.extended_to.isoformat() if trajectory.extended_to else "",
        })
    return rows


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """A spreadsheet must not run a cell as a formula (a client named '=HYPERLINK(...)'): such a
    cell gets a leading ', which the import takes off again."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _safe_rows(organisation):
    return [{column: _safe(value) for column, value in row.items()} for row in caseload_rows(organisation)]


def as_csv(organisation):
    """UTF-8 with a BOM and ';' (what Belgian spreadsheet programs open directly)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORTED, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(_safe_rows(organisation))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(organisation):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "caseload"
    sheet.append(EXPORTED)
    for row in _safe_rows(organisation):
        sheet.append([row[column] for column in EXPORTED])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"  # text, never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
