from django.db import transaction

from .models import Organisation


@transaction.atomic
def organisation_ensure(*, slug, name):
    """Idempotent: an existing organisation keeps its name (CONTRACTS.md, create_organisation)."""
    return Organisation.objects.get_or_create(slug=slug, defaults={"name": name})
