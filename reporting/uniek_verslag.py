"""The GPMI and PSA parts of POD MI's Uniek Verslag for one organisation and year, in six queries
whatever its size (README "Reporting"). Each figure, as reported:

- gpmi_ondertekend (per orientation): GPMIs signed in the year (signed_on in Y), by orientation
  (gpmi.Gpmi.Orientation; "" when none was chosen);
- vrijstellingen (per ground): exemptions accepted in the year (accepted_on in Y), by ground;
- evaluaties: GPMI evaluations dated in the year; evaluaties_persoonlijk: those in a personal
  conversation (in_person);
- psa_deelnemers and psa_sessies (per module kind): the group-module figures of reporting.yearly
  (module_sets: distinct clients present or late at a session held in Y; sessions held in Y, not
  cancelled and not still to come), the sessions summed per module kind.
"""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gpmi.models import Exemption, Gpmi, GpmiEvaluation
from groupmodules.rules import ModuleKind

from .yearly import module_sets, year_bounds


def uniek_verslag_figures(organisation, year, today=None):
    """{"gpmi_ondertekend": {orientation: n}, "vrijstellingen": {ground: n}, "evaluaties": n,
    "evaluaties_persoonlijk": n, "psa_deelnemers": n, "psa_sessies": {kind: n}}."""
    first, last = year_bounds(year)
    organisations = [organisation]
    signed = dict(Gpmi.objects.of_organisations(organisations).filter(signed_on__range=(first, last))
                  .order_by().values_list("orientation").annotate(n=Count("pk")))
    exempted = dict(Exemption.objects.of_organisations(organisations).filter(accepted_on__range=(first, last))
                    .order_by().values_list("ground").annotate(n=Count("pk")))
    evaluations = (GpmiEvaluation.objects.of_organisations(organisations).filter(date__range=(first, last))
                   .aggregate(held=Count("pk"), in_person=Count("pk", filter=Q(in_person=True))))
    modules = module_sets(organisations, year, today)
    sessions = {kind: 0 for kind in ModuleKind.values}
    for module, _title, kind in modules.modules[organisation.pk]:
        sessions[kind] = sessions.get(kind, 0) + modules.sessions[module]
    return {
        "gpmi_ondertekend": {**{value: signed.get(value, 0) for value in Gpmi.Orientation.values},
                             **({"": signed[""]} if signed.get("") else {})},
        "vrijstellingen": {value: exempted.get(value, 0) for value in Exemption.Ground.values},
        "evaluaties": evaluations["held"],
        "evaluaties_persoonlijk": evaluations["in_person"],
        "psa_deelnemers": len(modules.participants[organisation.pk]),
        "psa_sessies": sessions,
    }


def uniek_verslag_rows(figures):
    """[(part, figure, value, definition)] in Dutch (gettext), in the order of the sheet."""
    rows = []
    gpmi, psa = _("GPMI"), _("PSA (participation and social activation)")
    for value, label in Gpmi.Orientation.choices:
        rows.append((gpmi, _("GPMIs signed, %(orientation)s") % {"orientation": label},
                     figures["gpmi_ondertekend"][value],
                     _("GPMIs signed in the year (date of signing in the year) with this orientation.")))
    if "" in figures["gpmi_ondertekend"]:
        rows.append((gpmi, _("GPMIs signed, no orientation"), figures["gpmi_ondertekend"][""],
                     _("GPMIs signed in the year without an orientation.")))
    for value, label in Exemption.Ground.choices:
        rows.append((gpmi, _("Exemptions accepted, %(ground)s") % {"ground": label}, figures["vrijstellingen"][value],
                     _("Exemptions from the GPMI accepted in the year on this ground.")))
    rows.append((gpmi, _("GPMI evaluations held"), figures["evaluaties"],
                 _("Evaluations of a GPMI dated in the year.")))
    rows.append((gpmi, _("of which in a personal conversation"), figures["evaluaties_persoonlijk"],
                 _("Of those evaluations, the ones held in a personal conversation.")))
    rows.append((psa, _("Participants in group modules"), figures["psa_deelnemers"],
                 _("Distinct clients marked present or late at a group-module session held in the year "
                   "(not cancelled, its day come).")))
    for value, label in ModuleKind.choices:
        rows.append((psa, _("Sessions held, %(kind)s") % {"kind": label}, figures["psa_sessies"].get(value, 0),
                     _("Group-module sessions of this kind held in the year (not cancelled, its day come).")))
    return rows


def as_xlsx(organisation, year, today=None):
    """The workbook's bytes: a header (organisation, year, made on), then "part | figure | value |
    definition", one row per figure."""
    import io

    from openpyxl import Workbook

    today = today or timezone.localdate()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Uniek Verslag")[:31]
    sheet.append([_("Organisation"), organisation.name])
    sheet.append([_("Year"), year])
    sheet.append([_("Made on"), today])
    sheet["B3"].number_format = "DD/MM/YYYY"
    sheet.append([])
    sheet.append([_("Part"), _("Figure"), _("Value"), _("Definition")])
    for row in uniek_verslag_rows(uniek_verslag_figures(organisation, year, today)):
        sheet.append(list(row))
    for column, width in zip("ABCD", (28, 45, 10, 90), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
