from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients.models import Competence, Interest
from organisations import accounts, second_factor
from organisations.models import AccountChangeRequest, AccountEvent, User
from organisations.permissions import account_log_access, administrator_required, head_required

from .forms import (
    VOCABULARIES,
    OrganisationSettingsForm,
    UserForm,
    VocabularyTermForm,
)


@administrator_required
def user_list(request):
    users = _manageable_users(request).order_by("role", "last_name")
    pending = (AccountChangeRequest.objects.visible_to(request.user).filter(status=AccountChangeRequest.Status.PENDING)
               .select_related("user", "requested_by"))
    return render(request, "organisations/user_list.html", {"users": users, "pending": pending})


@administrator_required
def user_create(request):
    form = UserForm(request.POST or None, organisation=request.user.organisation, editor=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save(commit=False)
        held = _save_account(form, user, by=request.user)
        if held is not False:
            messages.success(request, _held_message(held) if held else _created_message(user))
            return redirect("user_list")
    return render(request, "organisations/user_form.html", {"form": form}, status=422 if form.errors else 200)


@administrator_required
def user_edit(request, pk):
    user = get_object_or_404(_manageable_users(request), pk=pk)
    form = UserForm(request.POST or None, instance=user, organisation=request.user.organisation, editor=request.user)
    if request.method == "POST" and form.is_valid():
        held = _save_account(form, form.save(commit=False), by=request.user)
        if held is not False:
            messages.success(request, _held_message(held) if held else _("User saved."))
            return redirect("user_list")
    return render(request, "organisations/user_form.html", {
        "form": form, "edited": user, "has_second_factor": second_factor.confirmed_device(user) is not None,
        "pending": user.account_requests.filter(status=AccountChangeRequest.Status.PENDING).first(),
    }, status=422 if form.errors else 200)


def _save_account(form, user, *, by):
    """accounts.account_save; False when it refused (the reason is on the form)."""
    try:
        return accounts.account_save(user, by=by)
    except ValidationError as error:
        form.add_error(None, error)
        return False


def _created_message(user):
    if not user.is_active:
        return _("%(email)s was added, not active: no e-mail was sent.") % {"email": user.email}
    return _("%(email)s was added and received an e-mail to choose a password.") % {"email": user.email}


def _held_message(request):
    message = _("Saved. Waiting for a head of service to approve: %(what)s for %(user)s. Until then nothing of "
                "that changes; the heads of service were told by e-mail.") % {
        "what": request.summary(), "user": request.user}
    if not accounts.can_be_decided_in_the_organisation(request):
        message += " " + _("No head of service of your organisation can approve it: ask the operator.")
    return message


@administrator_required
@require_POST
def user_second_factor_reset(request, pk):
    """A lost phone: the user sets up the app again at the next login (required roles) or may. For
    an account that reads case files, a head of service approves the reset first."""
    user = get_object_or_404(_manageable_users(request), pk=pk)
    try:
        held = accounts.second_factor_reset(user, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("user_edit", pk=user.pk)
    if held:
        messages.success(request, _held_message(held))
    else:
        messages.success(request, _("Two-factor authentication of %(email)s was reset.") % {"email": user.email})
    return redirect("user_edit", pk=user.pk)


@administrator_required
@require_POST
def account_request_withdraw(request, pk):
    held = get_object_or_404(AccountChangeRequest.objects.visible_to(request.user), pk=pk)
    _decide(request, accounts.request_withdraw, held, _("The request was withdrawn."))
    return redirect("user_list")


def _manageable_users(request):
    """The administrator's own organisation; operators (staff) are managed in the Django admin."""
    return User.objects.colleagues_of(request.user).filter(is_staff=False, is_superuser=False)


@account_log_access
def account_requests(request):
    """The diensthoofd approves or refuses what the beheerder asked, and reads the account log."""
    user = request.user
    pending = (AccountChangeRequest.objects.visible_to(user).filter(status=AccountChangeRequest.Status.PENDING)
               .select_related("user", "requested_by").order_by("requested_at"))
    pending = list(pending)
    recent = accounts.recent_changes([held.user_id for held in pending])
    events = AccountEvent.objects.visible_to(user).select_related("actor", "subject")
    return render(request, "organisations/account_requests.html", {
        "pending": [(held, held.may_be_decided_by(user), recent.get(held.user_id, [])) for held in pending],
        "page": Paginator(events, 50).get_page(request.GET.get("pagina")),
    })


@head_required
@require_POST
def account_request_approve(request, pk):
    held = get_object_or_404(AccountChangeRequest.objects.visible_to(request.user), pk=pk)
    _decide(request, accounts.request_approve, held, _("Approved: %(what)s for %(user)s.") % {
        "what": held.summary(), "user": held.user})
    return redirect("account_requests")


@head_required
@require_POST
def account_request_refuse(request, pk):
    held = get_object_or_404(AccountChangeRequest.objects.visible_to(request.user), pk=pk)
    _decide(request, accounts.request_refuse, held, _("Refused: %(what)s for %(user)s.") % {
        "what": held.summary(), "user": held.user})
    return redirect("account_requests")


def _decide(request, decision, held, done):
    try:
        decision(held, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)


@administrator_required
def vocabulary(request):
    organisation = request.user.organisation
    form = VocabularyTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        model = VOCABULARIES[form.cleaned_data["vocabulary"]]
        name = form.cleaned_data["name"]
        if model.objects.editable_by(request.user).filter(name__iexact=name).exists():
            form.add_error("name", _("“%(name)s” is already on this list.") % {"name": name})
        else:
            model.objects.create(organisation=organisation, name=name)
            messages.success(request, _("“%(name)s” was added.") % {"name": name})
            return redirect("vocabulary")
    return render(request, "organisations/vocabulary.html", {
        "form": form,
        "competences": Competence.objects.editable_by(request.user),
        "interests": Interest.objects.editable_by(request.user),
    })


@administrator_required
def organisation_settings(request):
    """The beheerder sets how long an idle session lasts and how long closed files are kept, and the
    logo on the yearly report's cover."""
    form = OrganisationSettingsForm(request.POST or None, request.FILES or None, instance=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("organisation_settings")
    return render(request, "form_page.html", {
        "form": form, "title": _("Organisation settings"), "back": reverse("user_list"),
        "back_label": _("Users"), "intro": _("These settings hold for everyone of %(organisation)s.") % {
            "organisation": request.user.organisation}}, status=422 if form.errors else 200)


@require_POST
@administrator_required
def vocabulary_toggle(request, vocabulary, pk):
    model = VOCABULARIES.get(vocabulary)
    if model is None:
        return redirect("vocabulary")
    term = get_object_or_404(model.objects.editable_by(request.user), pk=pk)
    term.active = not term.active
    term.save(update_fields=["active"])
    return redirect("vocabulary")


def healthz(request):
    """For the container healthcheck: the application answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def _next_page(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@login_required
def second_factor_view(request):
    """The second step of logging in: the six-digit code from the app."""
    device = second_factor.confirmed_device(request.user)
    if device is None:
        return redirect("second_factor_setup")
    error = None
    if request.method == "POST":
        error = second_factor.check(device, request.POST.get("code", ""))
        if error is None:
            second_factor.complete(request, device)
            return redirect(_next_page(request))
    return render(request, "registration/second_factor.html", {"error": error, "next": _next_page(request)},
                  status=422 if error else 200)


@login_required
def second_factor_setup(request):
    """Set up (or look at) two-factor authentication: scan the code with an app, then confirm it."""
    user = request.user
    if second_factor.confirmed_device(user):
        if user.is_verified():
            return render(request, "registration/second_factor_setup.html", {"enabled": True})
        # Set up already: the code first.
        return redirect(f"{reverse('second_factor')}?{urlencode({'next': request.get_full_path()})}")
    device = second_factor.pending_device(user)
    error = None
    if request.method == "POST":
        error = second_factor.check(device, request.POST.get("code", ""))
        if error is None:
            second_factor.complete(request, device)
            messages.success(request, _("Two-factor authentication is on. From now on you log in with a code "
                                        "from your app."))
            return redirect(_next_page(request))
    return render(request, "registration/second_factor_setup.html", {
        "qr": second_factor.qr_svg(device), "secret": second_factor.secret(device), "error": error,
        "next": _next_page(request), "required": user.requires_second_factor}, status=422 if error else 200)


@login_required
@require_POST
def second_factor_remove(request):
    """Switch two-factor authentication off, where the role does not require it."""
    if request.user.requires_second_factor:
        raise PermissionDenied
    second_factor.remove(request.user)
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("second_factor_setup")
