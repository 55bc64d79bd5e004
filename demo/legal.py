"""The demo's leefloon decisions and GPMIs (issue 17): every demo client is a leefloner with a
decision; most have a signed GPMI with evaluations, and the rest show what the diensthoofd's deadline
view and the reminders are for: GPMIs still to draw up, some overdue, some exempted, some with
evaluations behind, and leefloons that ended in work. Written through the bulk services, so the
models' rules hold."""

import datetime

from gpmi import rules as gpmi_rules
from gpmi.models import Exemption, Gpmi, GpmiEvaluation
from gpmi.services import evaluations_bulk_add, exemptions_bulk_accept, gpmis_bulk_record
from leefloon.models import LeefloonDecision
from leefloon.services import decisions_bulk_record

CONTENT = {
    Gpmi.Orientation.WORK: (
        "Binnen het jaar een vaste job vinden in de logistiek of de schoonmaak.",
        "Heftruckattest halen; cv opmaken met de jobcoach; elke week solliciteren; een TWE via het OCMW.",
        "Elke week twee sollicitaties doen, afspraken met de trajectbegeleider nakomen, ingeschreven blijven "
        "bij VDAB.",
        "Wekelijkse begeleiding, de opleiding heftruck betalen, helpen zoeken naar kinderopvang."),
    Gpmi.Orientation.TRAINING: (
        "Het diploma secundair onderwijs halen via het tweedekansonderwijs.",
        "Inschrijven bij het CVO; lessen volgen; na elk semester samen bekijken hoe het gaat.",
        "De lessen volgen, de attesten van aanwezigheid binnenbrengen.",
        "Het inschrijvingsgeld en het schoolmateriaal betalen, maandelijks een gesprek."),
    Gpmi.Orientation.SOCIAL_ACTIVATION: (
        "Meer buiten komen en stap voor stap deelnemen aan georganiseerde activiteiten.",
        "Deelnemen aan de groepsmodule; vrijwilligerswerk in het buurthuis; schulden op een rij zetten.",
        "Naar de groepsmodule gaan, afspraken met de schuldbemiddelaar nakomen.",
        "De groepsmodule aanbieden, schuldbemiddeling regelen, huisbezoek om de twee maanden."),
}


class LegalBuilder:
    def __init__(self, *, random, today):
        self.random, self.today = random, today

    def build(self, clients):
        """One scenario per client, chosen by draw: the decisions first, then what hangs on them."""
        plans = [(client, self._scenario()) for client in clients]
        decisions = decisions_bulk_record([self._decision(client, scenario) for client, scenario in plans])
        by_client = {decision.client_id: decision for decision in decisions}
        planned = [(client, scenario, by_client[client.pk]) for client, scenario in plans]
        gpmis = gpmis_bulk_record([self._gpmi(client, decision, scenario) for client, scenario, decision in planned
                                   if scenario in ("signed", "behind", "ended")], by=None)
        exemptions_bulk_accept([Exemption(client=client, decision=decision, by=client.counsellor,
                                          ground=self.random.choice(list(Exemption.Ground)),
                                          reason="Langdurige opname; arbeidsongeschikt volgens de behandelend arts.",
                                          accepted_on=decision.decided_on + datetime.timedelta(days=40))
                                for client, scenario, decision in planned if scenario == "exempted"], by=None)
        behind = {client.pk for client, scenario, _decision in planned if scenario == "behind"}
        evaluations_bulk_add([evaluation for gpmi in gpmis
                              for evaluation in self._evaluations(gpmi, stop_early=gpmi.client_id in behind)])

    def _scenario(self):
        draw = self.random.random()
        for share, scenario in ((0.10, "due"), (0.18, "overdue"), (0.26, "exempted"), (0.36, "behind"),
                                (0.44, "ended")):
            if draw < share:
                return scenario
        return "signed"

    def _decision(self, client, scenario):
        days_ago = {"due": self.random.randint(60, 89), "overdue": self.random.randint(100, 160),
                    "behind": self.random.randint(300, 600)}.get(scenario, self.random.randint(150, 600))
        decided = self.today - datetime.timedelta(days=days_ago)
        decision = LeefloonDecision(client=client, kind=LeefloonDecision.Kind.LEEFLOON,
                                    category=client.leefloon_category or "alleenstaand",
                                    decided_on=decided, start_date=decided - datetime.timedelta(days=14))
        if scenario == "ended":
            decision.end_date = self.today - datetime.timedelta(days=self.random.randint(10, 60))
            decision.end_reason = LeefloonDecision.EndReason.WORK
        return decision

    def _gpmi(self, client, decision, scenario):
        orientation = self.random.choice(list(Gpmi.Orientation))
        goals, steps, theirs, ours = CONTENT[orientation]
        signed = decision.decided_on + datetime.timedelta(days=self.random.randint(20, 85))
        gpmi = Gpmi(client=client, decision=decision, orientation=orientation, goals=goals, steps=steps,
                    client_commitments=theirs, ocmw_commitments=ours,
                    duration_months={"signed": 24}.get(scenario), signed_on=min(signed, self.today),
                    drawn_up_by=client.counsellor)
        if scenario == "ended":
            gpmi.ended_on = decision.end_date
        return gpmi

    def _evaluations(self, gpmi, *, stop_early):
        """Every four months after the signing, mostly in person; a GPMI 'behind' stopped after the first."""
        interval = gpmi_rules.evaluation_interval(gpmi_rules.EVALUATIONS_PER_YEAR)
        last_day = min(filter(None, (gpmi.end_date, self.today)))
        day, made = gpmi.signed_on + interval, []
        while day <= last_day and not (stop_early and made):
            made.append(GpmiEvaluation(gpmi=gpmi, date=day - datetime.timedelta(days=self.random.randint(0, 10)),
                                       in_person=self.random.random() < 0.8, by=gpmi.drawn_up_by,
                                       participants="cliënt en trajectbegeleider",
                                       conclusion="Afspraken overlopen; de volgende stappen zijn afgesproken."))
            day += interval
        return made

