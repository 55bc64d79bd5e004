"""Writing the GPMI and what hangs under it: the forms, the import, the portable file and the demo
go through these, and the models validate every one."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Amendment, Exemption, Gpmi, GpmiEvaluation, Sanction

# What a signed GPMI says: changed only through an amendment (DOMAIN.md: each amendment dated).
CONTENT_FIELDS = ("orientation", "goals", "steps", "client_commitments", "ocmw_commitments", "duration_months",
                  "other_signatories")


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
    gpmi = Gpmi.objects.select_for_update().get(pk=gpmi.pk)
    changed = [name for name in CONTENT_FIELDS if name in values and getattr(gpmi, name) != values[name]]
    if gpmi.is_signed and changed:
        raise ValidationError(_("This GPMI is signed: record what changes as an amendment."))
    for name, value in values.items():
        setattr(gpmi, name, value)
    return _saved(gpmi)


@transaction.atomic
def gpmi_sign(gpmi, *, signed_on):
    gpmi = Gpmi.objects.select_for_update().get(pk=gpmi.pk)
    if gpmi.is_signed:
        raise ValidationError(_("This GPMI was already signed on %(day)s.") % {"day": f"{gpmi.signed_on:%d/%m/%Y}"})
    gpmi.signed_on = signed_on
    return _saved(gpmi)


@transaction.atomic
def gpmi_end(gpmi, *, ended_on):
    gpmi = Gpmi.objects.select_for_update().get(pk=gpmi.pk)
    gpmi.ended_on = ended_on
    return _saved(gpmi)


@transaction.atomic
def amendment_add(*, gpmi, by, **values):
    """An amendment to a signed GPMI; its content fields may change with it (the GPMI's text then
    says the amended version, the amendment what changed)."""
    content = {name: values.pop(name) for name in CONTENT_FIELDS if name in values}
    if not gpmi.is_signed:
        raise ValidationError(_("A draft is changed directly; an amendment is for a signed GPMI."))
    amendment = _saved(Amendment(gpmi=gpmi, by=by, **values))
    if content:
        locked = Gpmi.objects.select_for_update().get(pk=gpmi.pk)
        for name, value in content.items():
            setattr(locked, name, value)
        _saved(locked)
    return amendment


@transaction.atomic
def evaluation_add(*, gpmi, by, **values):
    return _saved(GpmiEvaluation(gpmi=gpmi, by=by, **values))


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
