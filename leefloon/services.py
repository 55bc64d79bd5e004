"""Writing leefloon decisions: forms, the import and the demo go through these."""

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from clients.models import Client

from . import rules
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
        type(client).objects.of_clients([client]).update(leefloon_category=latest.category)
        client.leefloon_category = latest.category


@transaction.atomic
def exemption_record(*, client, **values):
    exemption = SocioProfessionalExemption(client=client, **values)
    exemption.full_clean()
    exemption.save()
    return exemption


# Many at once (the caseload import), in a fixed number of queries -----------------------------


@transaction.atomic
def decisions_bulk_record(decisions, *, by=None):
    """Many new leefloon decisions at once, validated by the model as decision_record validates one.
    Each is an unsaved LeefloonDecision of a saved client (not checked again: that would be a query
    each). The clients' categories follow their latest decisions, as with decision_record."""
    decisions = list(decisions)
    for decision in decisions:
        decision.full_clean(exclude=["client"])
        decision.gpmi_deadline = rules.gpmi_deadline(decision.decided_on)  # bulk_create skips save()
    made = bulk_create_with_history(decisions, LeefloonDecision, default_user=by)
    _follow_categories({decision.client for decision in decisions if decision.category})
    return made


@transaction.atomic
def decisions_bulk_end(ends, *, by=None):
    """Ends many stored decisions at once: `ends` are (decision, end_date, end_reason), each
    validated by the model as decision_update validates one."""
    decisions = []
    for decision, end_date, end_reason in ends:
        decision.end_date, decision.end_reason = end_date, end_reason
        decision.full_clean(exclude=["client"])
        decisions.append(decision)
    if decisions:
        bulk_update_with_history(decisions, LeefloonDecision, ["end_date", "end_reason"], default_user=by)
    return decisions


def _follow_categories(clients):
    """_follow_category for many clients: one read, and one update per category that changes."""
    if not clients:
        return
    latest = {}
    for client_id, category in (LeefloonDecision.objects.of_clients(list(clients)).exclude(category="")
                                .order_by("client_id", "-decided_on", "-pk").values_list("client_id", "category")):
        latest.setdefault(client_id, category)
    for category in set(latest.values()):
        (Client.objects.of_clients([pk for pk, chosen in latest.items() if chosen == category])
         .exclude(leefloon_category=category).update(leefloon_category=category))
