"""The demo's leefloon decisions and GPMIs (issue 17): every demo client is a leefloner with a
decision; most have a signed GPMI with evaluations, and the rest show what the diensthoofd's deadline
view and the reminders are for: GPMIs still to draw up, some overdue, some exempted, some with
evaluations behind, and leefloons that ended when a trajectory said so (its leefloon_after: work,
a benefit). Written through the bulk services, so the models' rules hold."""

import datetime

from gpmi import rules as gpmi_rules
from gpmi.models import Exemption, Gpmi, GpmiEvaluation
from gpmi.services import evaluations_bulk_add, exemptions_bulk_accept, gpmis_bulk_record
from leefloon.models import LeefloonDecision
from leefloon.services import decisions_bulk_record
from trajectories.models import Trajectory
from trajectories.rules import LeefloonAfter, TrajectoryType

# A trajectory that left the leefloon ends the client's decision, for the reason it gives.
END_REASON = {LeefloonAfter.WERK: LeefloonDecision.EndReason.WORK,
              LeefloonAfter.UITKERING: LeefloonDecision.EndReason.BENEFIT,
              LeefloonAfter.ANDER: LeefloonDecision.EndReason.OTHER}

# A GPMI's goals, steps, the client's and the OCMW's commitments by orientation, the reason of an
# exemption and the conclusion of an evaluation: each demo OCMW in its own words (Wervik's are not Menen's).
CONTENT = {
    "menen": {
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
    },
    "wervik": {
        Gpmi.Orientation.WORK: (
            "Werk vinden in de voeding of het groenonderhoud, eerst deeltijds.",
            "Een proefdag bij een partnerwerkgever; het cv bijwerken; solliciteren via de jobclub.",
            "Naar de jobclub komen, elke maand drie sollicitaties tonen, ingeschreven blijven bij VDAB.",
            "Begeleiding om de twee weken, de werkkledij betalen, de busabonnementen voorschieten."),
        Gpmi.Orientation.TRAINING: (
            "Een beroepsopleiding in de zorg afronden.",
            "Inschrijven bij het centrum voor volwassenenonderwijs in Ieper; de stage samen zoeken.",
            "Alle lessen en stagedagen volgen, problemen meteen melden.",
            "De opleidingskosten dragen, om de zes weken samen de voortgang bekijken."),
        Gpmi.Orientation.SOCIAL_ACTIVATION: (
            "Uit het isolement komen en een vaste activiteit in de week hebben.",
            "Vrijwilligerswerk in het sociaal restaurant; de praattafel volgen; de post op orde zetten.",
            "Elke week naar het vrijwilligerswerk gaan, afspraken met de budgetbegeleider nakomen.",
            "Het vrijwilligerswerk zoeken, budgetbegeleiding geven, om de maand een huisbezoek."),
    },
}
EXEMPTION_REASON = {"menen": "Langdurige opname; arbeidsongeschikt volgens de behandelend arts.",
                    "wervik": "Ernstige ziekte; de adviserend geneesheer erkent de arbeidsongeschiktheid."}
CONCLUSION = {"menen": "Afspraken overlopen; de volgende stappen zijn afgesproken.",
              "wervik": "Samen de voortgang bekeken; de afspraken blijven, met een nieuwe datum."}


class LegalBuilder:
    def __init__(self, *, random, today, words="menen"):
        """`words`: whose texts (CONTENT, EXEMPTION_REASON, CONCLUSION): "menen" or "wervik"."""
        self.random, self.today = random, today
        self.content, self.exemption_reason = CONTENT[words], EXEMPTION_REASON[words]
        self.conclusion = CONCLUSION[words]

    def build(self, clients):
        """One scenario per client, chosen by draw (or 'ended' when the client's trajectories left
        the leefloon): the decisions first, then what hangs on them."""
        left = self._left_leefloon(clients)
        plans = [(client, "ended" if client.pk in left else self._scenario()) for client in clients]
        decisions = decisions_bulk_record([self._decision(client, scenario, left.get(client.pk))
                                           for client, scenario in plans])
        by_client = {decision.client_id: decision for decision in decisions}
        planned = [(client, scenario, by_client[client.pk]) for client, scenario in plans]
        gpmis = gpmis_bulk_record([self._gpmi(client, decision, scenario) for client, scenario, decision in planned
                                   if scenario in ("signed", "behind", "ended")], by=None)
        exemptions_bulk_accept([Exemption(client=client, decision=decision, by=client.counsellor,
                                          ground=self.random.choice(list(Exemption.Ground)),
                                          reason=self.exemption_reason,
                                          accepted_on=decision.decided_on + datetime.timedelta(days=40))
                                for client, scenario, decision in planned if scenario == "exempted"], by=None)
        behind = {client.pk for client, scenario, _decision in planned if scenario == "behind"}
        evaluations_bulk_add([evaluation for gpmi in gpmis
                              for evaluation in self._evaluations(gpmi, stop_early=gpmi.client_id in behind)])

    def _left_leefloon(self, clients):
        """{client id: (day, end reason)} for the clients whose latest trajectory left the leefloon
        when it ended, or is a running nazorg after a step that did (the earliest of those days)."""
        latest = {}
        for trajectory in (Trajectory.objects.filter(client__in=clients).select_related("follows")
                           .order_by("start_date", "pk")):
            latest[trajectory.client_id] = trajectory
        left = {}
        for client_id, trajectory in latest.items():
            if trajectory.end_date is None and trajectory.type != TrajectoryType.NAZORG:
                continue  # still on the way: on the leefloon
            steps = [step for step in (trajectory.follows, trajectory)
                     if step is not None and step.end_date and step.leefloon_after in END_REASON]
            if steps and (trajectory.end_date is None or steps[-1] is trajectory):
                left[client_id] = (steps[0].end_date, END_REASON[steps[0].leefloon_after])
        return left

    def _scenario(self):
        draw = self.random.random()
        for share, scenario in ((0.10, "due"), (0.18, "overdue"), (0.26, "exempted"), (0.36, "behind")):
            if draw < share:
                return scenario
        return "signed"

    def _decision(self, client, scenario, left=None):
        """`left`: (day, end reason) when the client's trajectory left the leefloon."""
        days_ago = {"due": self.random.randint(60, 89), "overdue": self.random.randint(100, 160),
                    "behind": self.random.randint(300, 600)}.get(scenario, self.random.randint(150, 600))
        decided = self.today - datetime.timedelta(days=days_ago)
        if left:
            decided = left[0] - datetime.timedelta(days=self.random.randint(120, 450))
        decision = LeefloonDecision(client=client, kind=LeefloonDecision.Kind.LEEFLOON,
                                    category=client.leefloon_category or "alleenstaand",
                                    decided_on=decided, start_date=decided - datetime.timedelta(days=14))
        if left:
            decision.end_date, decision.end_reason = left
        return decision

    def _gpmi(self, client, decision, scenario):
        orientation = self.random.choice(list(Gpmi.Orientation))
        goals, steps, theirs, ours = self.content[orientation]
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
                                       conclusion=self.conclusion))
            day += interval
        return made

