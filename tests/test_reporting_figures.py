"""Partner employers and durations for the dashboard and the yearly report, on hand-built cases."""

import datetime

import pytest

from reporting.yearly import (
    average_durations,
    busiest,
    partner_employers,
    yearly_figures,
    yearly_figures_by_organisation,
)
from trajectories.models import Placement, Trajectory

from .factories import ClientFactory, EmployerFactory
from .test_yearly_report import trajectory

pytestmark = pytest.mark.django_db
D = datetime.date


def place(trajectory, employer, start, end=None):
    return Placement.objects.create(trajectory=trajectory, employer=employer, function="magazijnier",
                                    hours_per_week=19, start_date=start, end_date=end)


def test_partner_employers_of_the_year(world):
    head = world.hilde
    bakery, garden, old_partner, never = (EmployerFactory(organisation=world.menen, name=name) for name in (
        "Bakkerij Dewulf", "Groendienst Leiedal", "Vanhoutte Logistiek", "Nooit Gestart BV"))
    own = EmployerFactory(organisation=world.menen, name="Sociale kruidenier", kind="eigen_dienst")
    elsewhere = EmployerFactory(organisation=world.wervik, name="Wervikse Werkplaats")
    clients = ClientFactory.create_batch(5, organisation=world.menen)
    # Two clients at the bakery in 2024: one went to work there in 2024, one still running.
    place(trajectory(clients[0], head, "twe", D(2024, 2, 1), D(2024, 12, 31), "werk"), bakery, D(2024, 2, 1))
    place(trajectory(clients[1], head, "twe", D(2024, 6, 1)), bakery, D(2024, 6, 1))
    # The same client twice at the garden service in 2024 counts once.
    twice = trajectory(clients[2], head, "twe", D(2024, 1, 1), D(2024, 11, 30), "opleiding")
    place(twice, garden, D(2024, 1, 1), D(2024, 5, 31))
    place(twice, garden, D(2024, 6, 1), D(2024, 11, 30))
    # A partner since 2023, still working with a client in 2024: active, not new.
    place(trajectory(clients[3], head, "twe", D(2023, 3, 1), D(2024, 3, 1), "werkloos"), old_partner, D(2023, 3, 1))
    # Not counted: a proposal that never started, an own service, another OCMW, another year.
    place(trajectory(clients[4], head, "twe", D(2024, 4, 1), started=False), never, D(2024, 4, 1))
    place(trajectory(clients[4], head, "werk_zorg", D(2024, 1, 1), D(2024, 12, 1), "zorg"), own, D(2024, 1, 1))
    place(trajectory(world.other_client, world.olga, "twe", D(2024, 1, 1)), elsewhere, D(2024, 1, 1))
    place(trajectory(clients[4], head, "opleiding", D(2022, 1, 1), D(2022, 6, 1), "werk"), never, D(2022, 1, 1))

    rows = partner_employers(world.menen, 2024)
    assert [(row["name"], row["placed"], row["to_work"], row["new"]) for row in rows] == [
        ("Bakkerij Dewulf", 2, 1, True),
        ("Groendienst Leiedal", 1, 0, True),
        ("Vanhoutte Logistiek", 1, 0, False),
    ]
    top, rest = busiest(rows, 1)
    assert [row["name"] for row in top] == ["Bakkerij Dewulf"] and rest == {"count": 2, "placed": 2, "to_work": 0}
    assert busiest(rows, 3) == (rows, None)
    assert partner_employers(world.menen, 2021) == []
    # Filtered on one counsellor: only the placements of her clients.
    clients[1].counsellor = world.bob
    clients[1].save()
    assert [(row["name"], row["placed"]) for row in partner_employers(world.menen, 2024, world.bob)] == [
        ("Bakkerij Dewulf", 1)]


def test_average_durations_count_trajectories_that_ran_and_ended_in_the_year(world):
    client = world.client
    trajectory(client, world.hilde, "nazorg", D(2024, 1, 1), D(2024, 4, 9), "werk")  # 100 days, both counted
    trajectory(ClientFactory(organisation=world.menen), world.hilde, "nazorg", D(2023, 12, 1), D(2024, 6, 17),
               "werk")  # 200 days
    trajectory(ClientFactory(organisation=world.menen), world.hilde, "opleiding", D(2024, 1, 1), D(2024, 12, 31),
               "werk")  # the whole year
    trajectory(ClientFactory(organisation=world.menen), world.hilde, "nazorg", D(2024, 2, 1), D(2024, 3, 1),
               "werk", started=False)  # never ran
    trajectory(ClientFactory(organisation=world.menen), world.hilde, "nazorg", D(2022, 1, 1), D(2023, 1, 1), "werk")
    durations = average_durations(Trajectory.objects.filter(client__organisation=world.menen), 2024)
    assert durations == {"nazorg": 150, "opleiding": 366}  # 2024 is a leap year


def test_many_organisations_at_once_give_each_its_own_figures(world):
    trajectory(world.other_client, world.olga, "nazorg", D(2024, 2, 1), D(2024, 8, 1), "werk")
    trajectory(world.client, world.hilde, "nazorg", D(2024, 3, 1), D(2024, 9, 1), "opleiding")
    together = yearly_figures_by_organisation([world.menen, world.wervik], 2024)
    assert together[world.menen.pk] == yearly_figures(world.menen, 2024)
    assert together[world.wervik.pk] == yearly_figures(world.wervik, 2024)
    assert together[world.wervik.pk]["trajecten"]["nazorg"]["uitstroom"]["werk"] == 1
    assert together[world.menen.pk]["trajecten"]["nazorg"]["uitstroom"]["werk"] == 0


def test_the_monthly_flow_counts_trajectories_that_ran_in_the_month_they_started_and_ended(world):
    from reporting.yearly import yearly_summary

    def menen_client():
        return ClientFactory(organisation=world.menen)

    trajectory(menen_client(), world.hilde, "twe", D(2024, 3, 4), D(2024, 9, 30), "werk")  # in March, out September
    trajectory(menen_client(), world.hilde, "opleiding", D(2023, 11, 1), D(2024, 3, 31), "werk")  # out March
    trajectory(menen_client(), world.hilde, "nazorg", D(2024, 12, 31))  # in December, running
    trajectory(menen_client(), world.hilde, "nazorg", D(2024, 5, 1), D(2024, 6, 1), "stopgezet",
               started=False)  # a registration stopped before it started: neither
    trajectory(menen_client(), world.hilde, "twe", D(2025, 1, 1), D(2025, 2, 1), "werk")  # another year
    trajectory(world.other_client, world.olga, "twe", D(2024, 3, 1))  # another OCMW
    summary = yearly_summary(Trajectory.objects.filter(client__organisation=world.menen), 2024, world.menen)
    months = {month: (started, ended) for month, started, ended in summary["months"]}
    assert [month for month, _started, _ended in summary["months"]] == list(range(1, 13))
    assert {month: flow for month, flow in months.items() if flow != (0, 0)} == {3: (1, 1), 9: (0, 1), 12: (1, 0)}
    assert summary["figures"] == yearly_figures(world.menen, 2024)
