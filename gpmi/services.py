"""Writing the GPMI and what hangs under it: the forms, the import, the portable file and the demo
go through these, and the models validate every one."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from . import rules
from .models import Amendment, Exemption, Gpmi, GpmiEvaluation, Sanction

# What a signed GPMI says: changed only through an amendment (DOMAIN.md: each amendment dated).
CONTENT_FIELDS = ("orientation", "goals", "steps", "client_commitments", "ocmw_commitments", "duration_months",
                  "other_signatories")


def _locked(gpmi):
    """The GPMI as it is now, locked until the transaction ends (two writes at once wait)."""
    return Gpmi.objects.of_clients([gpmi.client_id]).select_for_update().get(pk=gpmi.pk)


def _saved(instance):
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def gpmi_draw_up(*, client, by, decision=None, **values):
    """A new GPMI (a draft until it is signed), answering `decision` or, by default, the client's
    latest leefloon decision."""
    if decision is None:
        decision = client.leefloon_decisions.order_by("-decided_on", "-pk").first()
    return _saved(Gpmi(client=client, decision=decision, drawn_up_by=by, **values))


@transaction.atomic
def gpmi_update(gpmi, **values):
    """Changes a draft; a signed GPMI's content changes only through an amendment."""
    gpmi = _locked(gpmi)
    changed = [name for name in CONTENT_FIELDS if name in values and getattr(gpmi, name) != values[name]]
    if gpmi.is_signed and changed:
        raise ValidationError(_("This GPMI is signed: record what changes as an amendment."))
    for name, value in values.items():
        setattr(gpmi, name, value)
    return _saved(gpmi)


@transaction.atomic
def gpmi_sign(gpmi, *, signed_on):
    gpmi = _locked(gpmi)
    if gpmi.is_signed:
        raise ValidationError(_("This GPMI was already signed on %(day)s.") % {"day": f"{gpmi.signed_on:%d/%m/%Y}"})
    gpmi.signed_on = signed_on
    return _saved(gpmi)


@transaction.atomic
def gpmi_end(gpmi, *, ended_on):
    gpmi = _locked(gpmi)
    gpmi.ended_on = ended_on
    return _saved(gpmi)


@transaction.atomic
def amendment_add(*, gpmi, by, **values):
    """An amendment to a signed GPMI; its content fields may change with it (the GPMI's text then
    says the amended version, the amendment what changed)."""
    content = {name: values.pop(name) for name in CONTENT_FIELDS if name in values}
    gpmi = _locked(gpmi)
    if not gpmi.is_signed:
        raise ValidationError(_("A draft is changed directly; an amendment is for a signed GPMI."))
    amendment = _saved(Amendment(gpmi=gpmi, by=by, **values))
    if content:
        for name, value in content.items():
            setattr(gpmi, name, value)
        _saved(gpmi)
    return amendment


@transaction.atomic
def evaluation_add(*, gpmi, by, **values):
    return _saved(GpmiEvaluation(gpmi=_locked(gpmi), by=by, **values))


@transaction.atomic
def exemption_accept(*, client, by, decision=None, **values):
    """The OCMW accepts health or equity reasons not to make a GPMI, for `decision` (default: the
    client's latest leefloon decision)."""
    if decision is None:
        decision = client.leefloon_decisions.order_by("-decided_on", "-pk").first()
    return _saved(Exemption(client=client, decision=decision, by=by, **values))


@transaction.atomic
def sanction_record(*, client, by, **values):
    return _saved(Sanction(client=client, by=by, **values))


# Many at once (the caseload import), in a fixed number of queries -----------------------------


@transaction.atomic
def gpmis_bulk_record(gpmis, *, by):
    """Many GPMIs at once, validated by the model as gpmi_draw_up and gpmi_sign validate one (an
    imported GPMI may hold only its signing date). Each is an unsaved Gpmi of a saved client, with
    a saved decision of that client or none (not checked again: that would be a query each)."""
    gpmis = list(gpmis)
    for gpmi in gpmis:
        if gpmi.drawn_up_by_id is None:
            gpmi.drawn_up_by = by
        gpmi.full_clean(exclude=["client", "decision", "drawn_up_by"])
        gpmi.end_date = rules.end_date(gpmi.signed_on, gpmi.duration_months, gpmi.ended_on)  # bulk_create skips save()
    return bulk_create_with_history(gpmis, Gpmi, default_user=by)


@transaction.atomic
def exemptions_bulk_accept(exemptions, *, by):
    """Many accepted exemptions at once, validated by the model as exemption_accept validates one.
    Each is an unsaved Exemption of a saved client, with a saved decision of that client or none."""
    exemptions = list(exemptions)
    for exemption in exemptions:
        if exemption.by_id is None:
            exemption.by = by
        exemption.full_clean(exclude=["client", "decision", "by"])
    return bulk_create_with_history(exemptions, Exemption, default_user=by)


@transaction.atomic
def evaluations_bulk_add(evaluations, *, by=None):
    """Many evaluations at once (the demo's history), validated by the model as evaluation_add
    validates one. Each is an unsaved GpmiEvaluation of a saved GPMI, instance attached (its
    signing date is checked without a query)."""
    evaluations = list(evaluations)
    for evaluation in evaluations:
        evaluation.full_clean(exclude=["gpmi", "by"])
    return bulk_create_with_history(evaluations, GpmiEvaluation, default_user=by)
