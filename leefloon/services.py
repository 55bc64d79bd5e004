"""Writing leefloon decisions: forms, the import and the demo go through these."""

from django.db import transaction

from .models import LeefloonDecision, SocioProfessionalExemption


@transaction.atomic
def decision_record(*, client, by=None, **values):
    """A new leefloon decision on the case file, validated by the model. The client's current
    category follows the latest decision that names one."""
    decision = LeefloonDecision(client=client, **values)
    decision.full_clean()
    decision.save()
    _follow_category(client)
    return decision


@transaction.atomic
def decision_update(decision, **values):
    for name, value in values.items():
        setattr(decision, name, value)
    decision.full_clean()
    decision.save()
    _follow_category(decision.client)
    return decision


def _follow_category(client):
    latest = client.leefloon_decisions.exclude(category="").order_by("-decided_on", "-pk").first()
    if latest and client.leefloon_category != latest.category:
        type(client).objects.filter(pk=client.pk).update(leefloon_category=latest.category)
        client.leefloon_category = latest.category


@transaction.atomic
def exemption_record(*, client, **values):
    exemption = SocioProfessionalExemption(client=client, **values)
    exemption.full_clean()
    exemption.save()
    return exemption
