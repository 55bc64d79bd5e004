import pytest
from django.core import mail
from django.urls import reverse

from clients.models import Competence
from organisations.models import Role, User

pytestmark = pytest.mark.django_db


def test_the_administrator_adds_a_user_who_receives_a_link(world, login, django_capture_on_commit_callbacks):
    """A role without case files; a counsellor's or head's link waits for approval (test_separation_of_duties)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.bea).post(reverse("user_create"), {
            "email": "Nieuwe.Collega@Menen.be", "first_name": "Nele", "last_name": "Maes",
            "role": Role.ALDERMAN, "is_active": "on"})
    assert response.status_code == 302
    user = User.objects.get(email="nieuwe.collega@menen.be")
    assert (user.organisation, user.role, user.has_usable_password()) == (world.menen, Role.ALDERMAN, False)
    assert len(mail.outbox) == 1 and "/reset/" in mail.outbox[0].body


def test_an_e_mail_address_is_used_once(world, login):
    response = login(world.bea).post(reverse("user_create"), {
        "email": world.oscar.email.upper(), "first_name": "X", "last_name": "Y", "role": Role.COUNSELLOR})
    assert "bestaat al" in response.context["form"].errors["email"][0]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("email", "geen-adres", "geldig e-mailadres"),
    ("last_name", "", "Dit veld is verplicht"),
    ("role", "koning", "geldige keuze"),
])
def test_bad_input_in_the_user_form_is_refused_in_dutch(world, login, field, value, message):
    data = {"email": "nele@menen.be", "first_name": "Nele", "last_name": "Maes", "role": Role.COUNSELLOR}
    data[field] = value
    response = login(world.bea).post(reverse("user_create"), data)
    assert message in " ".join(response.context["form"].errors[field])
    assert not User.objects.filter(first_name="Nele").exists()


def test_an_administrator_cannot_raise_her_own_role(world, login):
    login(world.bea).post(reverse("user_edit", args=[world.bea.pk]), {
        "email": world.bea.email, "first_name": "Bea", "last_name": "B", "role": Role.HEAD, "is_active": "on"})
    world.bea.refresh_from_db()
    assert world.bea.role == Role.ADMINISTRATOR


def test_role_changes_are_recorded(world, login):
    login(world.bea).post(reverse("user_edit", args=[world.sam.pk]), {
        "email": world.sam.email, "first_name": "Sam", "last_name": "B", "role": Role.ADMINISTRATOR, "is_active": "on"})
    record = world.sam.history.first()
    assert (record.role, record.history_user) == (Role.ADMINISTRATOR, world.bea)


def test_operators_are_not_managed_by_an_administrator(world, login):
    operator = User.objects.create_superuser("operator@example.be", "x", organisation=world.menen)
    assert login(world.bea).get(reverse("user_edit", args=[operator.pk])).status_code == 404


def test_an_invited_user_can_ask_for_a_new_link(world, client):
    invited = User.objects.create_user("nieuw@menen.be", None, role=Role.COUNSELLOR, organisation=world.menen)
    assert not invited.has_usable_password()
    client.post(reverse("password_reset"), {"email": "nieuw@menen.be"})
    assert len(mail.outbox) == 1 and "/reset/" in mail.outbox[0].body


def test_region_coordinators_are_not_made_by_an_ocmw(world, login):
    response = login(world.bea).post(reverse("user_create"), {
        "email": "regio@x.be", "first_name": "X", "last_name": "Y", "role": Role.REGION_COORDINATOR})
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(email="regio@x.be").exists()


def test_users_of_another_organisation_answer_404(world, login):
    assert login(world.bea).get(reverse("user_edit", args=[world.oscar.pk])).status_code == 404


def test_the_administrator_deactivates_a_user(world, login):
    login(world.bea).post(reverse("user_edit", args=[world.bob.pk]), {
        "email": world.bob.email, "first_name": "Bob", "last_name": "B", "role": Role.COUNSELLOR})
    world.bob.refresh_from_db()
    assert world.bob.is_active is False


def test_vocabulary_terms_are_per_organisation_and_unique(world, login):
    http = login(world.bea)
    http.post(reverse("vocabulary"), {"vocabulary": "competentie", "name": "Heftruckattest"})
    response = http.post(reverse("vocabulary"), {"vocabulary": "competentie", "name": "heftruckattest"})
    assert "staat al" in response.context["form"].errors["name"][0]
    assert list(Competence.objects.values_list("organisation__slug", "name")) == [("menen", "Heftruckattest")]


def test_a_deactivated_term_is_no_longer_offered_but_stays_with_its_clients(world, login):
    term = Competence.objects.create(organisation=world.menen, name="Kassawerk")
    world.client.competences.add(term)
    login(world.bea).post(reverse("vocabulary_toggle", args=["competentie", term.pk]))
    form = login(world.alice).get(reverse("clients:create")).context["form"]
    assert term not in form.fields["competences"].queryset
    edit_form = login(world.alice).get(reverse("clients:edit", args=[world.client.pk])).context["form"]
    assert term in edit_form.fields["competences"].queryset


def test_aggregate_roles_see_figures_without_names(world, login):
    for user in (world.sam, world.rita):
        page = login(user).get(reverse("home"), follow=True).content.decode()
        assert "Overzicht" in page or "Dashboard" in page
        assert world.client.last_name not in page and world.client.national_number_display not in page
    assert "OCMW Wervik" in login(world.rita).get(reverse("home"), follow=True).content.decode()
    assert "OCMW Wervik" not in login(world.sam).get(reverse("home"), follow=True).content.decode()
