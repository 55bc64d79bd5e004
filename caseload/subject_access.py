"""A client's complete file for a subject-access request (GDPR art. 15): everything the product
holds about the person, as JSON for machines and as a PDF to hand over. One place builds the data;
both formats render it. What each app holds and hands over is said in its `privacy` module
(common.personal_data); this module knows no other app's models."""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from audit.sensitive import read_sensitive
from common import personal_data


def client_file(client):
    """The whole file as plain data, with Dutch keys, in a fixed number of queries."""
    return {
        "opgemaakt_op": timezone.localtime().isoformat(timespec="seconds"),
        "organisatie": client.organisation.name,
        **personal_data.export(client),
    }


# The keys of the file are Dutch words joined by underscores; a person reads them as a label. Where
# the plain reading of a key is not good Dutch, it is said here, in this one place.
LABELS = {
    "rijksregisternummer": "Rijksregisternummer",
    "e-mail": "E-mail",
    "leefloon_categorie": "Leefloon categorie",
    "trajectbegeleider": "Trajectbegeleider",
    "andere_competenties": "Andere competenties",
    "andere_interesses": "Andere interesses",
    "draagkracht_uren_per_week": "Draagkracht (uren per week)",
    "vdab_ingeschreven_op": "Ingeschreven bij VDAB op",
    "vdab_niet_ingeschreven_omdat": "Niet ingeschreven bij VDAB omdat",
    "aangemaakt_op": "Dossier aangemaakt op",
    "opgemaakt_op": "Opgemaakt op",
    "gpmi": "GPMI",
    "gpmi_vrijstellingen": "GPMI-vrijstellingen",
    "vdab_toestemmingen": "Toestemmingen voor gegevensdeling met VDAB",
    "sociaalprofessionele_vrijstellingen": "Sociaal-professionele vrijstellingen",
    "engagementen_client": "Engagementen van de cliënt",
    "engagementen_ocmw": "Engagementen van het OCMW",
    "vroeger_beeindigd_op": "Vroeger beëindigd op",
}

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def label(key):
    """The Dutch label of a key of the file: from LABELS, else the key as words ("aangemaakt_op" ->
    "Aangemaakt op")."""
    return LABELS.get(key) or key.replace("_", " ").capitalize()


def labels(data):
    """{key: label} for every key in the file, for the JSON: its keys stay stable for machines, the
    labels say what they mean."""
    found = {}

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                found.setdefault(key, label(key))
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(data)
    return dict(sorted(found.items()))


def readable_value(value):
    """A value as the PDF shows it: a day as dd/mm/jjjj, a moment as dd/mm/jjjj uu:mm in Brussels
    time, a list joined by commas; the rest as it is."""
    if isinstance(value, str) and _DAY.match(value):
        return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
    if isinstance(value, str) and _MOMENT.match(value):
        moment = datetime.datetime.fromisoformat(value)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, list) and all(not isinstance(item, (dict, list)) for item in value):
        return ", ".join(str(readable_value(item)) for item in value)
    return value


def readable(data):
    """The file with every value made readable (readable_value), keys unchanged, for the PDF."""
    if isinstance(data, dict):
        return {key: readable(value) for key, value in data.items()}
    if isinstance(data, list) and any(isinstance(item, (dict, list)) for item in data):
        return [readable(item) for item in data]
    return readable_value(data)


def rows(section):
    """A section of {key: value} as (label, readable value) rows for a table of the PDF."""
    return [(label(key), readable_value(value)) for key, value in section.items()]


# The sections the PDF template lays out itself; every other section an app contributes is shown
# by `other_sections`, so nothing of the file is left out of the PDF.
LAID_OUT = {"opgemaakt_op", "organisatie", "persoon", "dossier", "drempels", "trajecten", "groepsmodules",
            "participatieladder", "documenten", "contactmomenten", "inzage"}


def _inline(value):
    """A nested list of records in one cell: "Label: value, Label: value; ..."."""
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return "; ".join(", ".join(f"{label(key)}: {_inline(inner)}" for key, inner in item.items()
                                   if inner not in (None, "", []))
                         for item in value if isinstance(item, dict))
    return readable_value(value)


def other_sections(data):
    """[(title, [rows of one record])] for the sections the template does not lay out itself."""
    sections = []
    for key, value in data.items():
        if key in LAID_OUT:
            continue
        records = value if isinstance(value, list) else [value]
        sections.append((label(key), [[(label(field), _inline(inner)) for field, inner in record.items()]
                                      if isinstance(record, dict) else [("", _inline(record))]
                                      for record in records]))
    return sections


def log_export(user, client, extension):
    """The file holds special-category data: for who may read it (PermissionDenied otherwise), and
    the export is logged."""
    return read_sensitive(user, client, detail=_("subject access (%(format)s)") % {"format": extension},
                          export=True)
