"""Where the personal data of a case file lies: each app that holds some says so in a module of its
own, `<app>/privacy.py`, and the GDPR operations run over those modules, found at run time among the
installed apps (no app imports another for it). The pattern is pretix's data shredders: each kind of
data owns how it is handed over and how it is erased.

A privacy module declares:

- `order`: an integer, unique among the modules. Sections of the subject-access file appear in
  ascending order; retention erases in descending order, so rows that point to a trajectory or a
  client (documents, reminders) go before the trajectory and the client are rewritten.
- `export(client)`, optional: {key: data} for the subject-access file (GDPR art. 15; one builder in
  caseload.subject_access makes the JSON and the PDF of it), in a fixed number of queries.
- `erase(client_ids)`, optional: what retention removes or blanks in these (closed) files, set-based,
  in a fixed number of queries whatever the number of files. What the yearly figures count stays
  (clients.retention).
- `forget_history(client_ids)`, optional: the change history of what `erase` touched, which holds
  every earlier value. Retention runs it after every module's `erase`.

A module without `erase` keeps all its data on purpose and says why in its docstring."""

import functools
from importlib import import_module

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

MODULE_NAME = "privacy"


@functools.cache
def modules():
    """The privacy modules of the installed apps, in ascending `order`."""
    found = [import_module(f"{config.name}.{MODULE_NAME}") for config in apps.get_app_configs()
             if module_has_submodule(config.module, MODULE_NAME)]
    for module in found:
        if not isinstance(getattr(module, "order", None), int):
            raise ImproperlyConfigured(f"{module.__name__} declares no integer `order`")
    orders = [module.order for module in found]
    if len(set(orders)) != len(orders):
        raise ImproperlyConfigured(f"privacy modules share an order: {sorted(orders)}")
    return tuple(sorted(found, key=lambda module: module.order))


def export(client):
    """Every app's sections of the subject-access file of `client`, in order."""
    sections = {}
    for module in modules():
        if hasattr(module, "export"):
            sections.update(module.export(client))
    return sections


def erase(client_ids):
    """Every app's erase step for these files, children before parents."""
    for module in reversed(modules()):
        if hasattr(module, "erase"):
            module.erase(client_ids)


def forget_history(client_ids):
    """Every app's change history of these files, in the same order (after `erase`)."""
    for module in reversed(modules()):
        if hasattr(module, "forget_history"):
            module.forget_history(client_ids)


def day(value):
    """A date as the export writes it (ISO 8601), or None."""
    return value.isoformat() if value else None
