"""The GPMI as the paper the client and the counsellor sign (DOMAIN.md, "The GPMI"): a PDF in plain
Dutch on A4 with both parties, the leefloon decision it answers, the orientation, goals and steps,
both parties' commitments, the duration, the evaluations the organisation promises (its cadence),
what happens when it is not kept, the amendments so far, and signature blocks. The portable GPMI
(portable.py) is this contract with its evaluations and a machine-readable copy attached.

WeasyPrint renders it and fetches nothing: the style is inline, the fonts are the system's, and
every URL the HTML might name is refused (`render_pdf`)."""

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Gpmi

TEMPLATE = "gpmi/contract.html"


def contract_context(gpmi, today=None):
    """What the contract shows. `gpmi` is read with its client (organisation, counsellor), its
    decision and who drew it up; its amendments and evaluations are read here (one query each)."""
    client = gpmi.client
    organisation = client.organisation
    counsellor = client.counsellor or gpmi.drawn_up_by
    others = signatories(gpmi.other_signatories)
    blocks = [
        {"role": _("The client"), "name": client.full_name},
        {"role": _("For the OCMW"), "name": counsellor.get_full_name() if counsellor else "",
         "detail": organisation.name},
        *({"role": _("Other party"), "name": name} for name in others),
    ]
    return {
        "gpmi": gpmi,
        "client": client,
        "organisation": organisation,
        "national_number": client.national_number_display,
        "decision": gpmi.decision,
        "counsellor": counsellor,
        "orientations": Gpmi.Orientation.choices,
        "planned_end": rules.planned_end(gpmi.signed_on, gpmi.duration_months),
        "per_year": organisation.gpmi_evaluations_per_year,
        "in_person_per_year": organisation.gpmi_in_person_per_year,
        "interval_months": _interval_months(organisation.gpmi_evaluations_per_year),
        "amendments": list(gpmi.amendments.all()),
        "evaluations": list(gpmi.evaluations.all()),
        "other_signatories": others,
        "copies": 2 + len(others),
        "signature_rows": [blocks[start:start + 2] for start in range(0, len(blocks), 2)],  # two side by side
        "made_on": today or timezone.localdate(),
    }


def signatories(text):
    """The other signatories as separate names, one signature block each: the field lists them
    separated by commas, semicolons or new lines."""
    return [name.strip() for name in re.split(r"[,;\n]", text or "") if name.strip()]


def _interval_months(per_year):
    """Every how many months an evaluation falls when the cadence divides a year, else None."""
    return 12 // per_year if per_year and 12 % per_year == 0 else None


def filename(gpmi, prefix="gpmi", today=None):
    """gpmi-<last name>-<date>.pdf: the day it was signed, or today for a draft."""
    day = gpmi.signed_on or today or timezone.localdate()
    return f"{prefix}-{slugify(gpmi.client.last_name) or 'client'}-{day:%Y-%m-%d}.pdf"


def render_contract(gpmi):
    return render_pdf(TEMPLATE, contract_context(gpmi))


def render_pdf(template, context, *, attachments=()):
    """The PDF of `template` in the product's language (Dutch, whoever prints it), with
    `attachments` (weasyprint.Attachment) embedded. Nothing is fetched: not a font, an image or a
    stylesheet from the network or the disk."""
    from weasyprint import HTML  # loaded on demand: it needs the Pango system library

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=_refuse_every_url()).write_pdf(attachments=list(attachments) or None)


def _refuse_every_url():
    from weasyprint import URLFetcher

    class RefuseEveryUrl(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"the GPMI PDF fetches nothing: {url[:80]}")

    return RefuseEveryUrl()
