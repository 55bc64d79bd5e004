"""The participation ladder of a case file: the file shows the path (templates/ladder/_client_ladder.html,
read by the client page), this page adds a measurement. Who may change the file records one
(clients.selectors.editable_client_for: 404 outside the organisation, 403 for a colleague's client);
the service validates it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from clients import selectors as client_selectors
from ladder import services
from ladder.selectors import client_ladder
from organisations.permissions import case_file_access
from web.forms import add_service_errors

from .forms import MeasurementForm


@case_file_access
def measurement_add(request, client_pk):
    client = client_selectors.editable_client_for(request.user, client_pk)
    form = MeasurementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_add(client=client, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Participation-ladder measurement saved."))
            return redirect(reverse("clients:detail", args=[client.pk]) + "#participatieladder")
    ladder = client_ladder(client)
    return render(request, "ladder/measurement_form.html", {
        "client": client, "form": form, "ladder": ladder, "latest": ladder[-1] if ladder else None,
    }, status=422 if form.errors else 200)
