"""Scoping in the data layer (issue 15): a query on client or organisation data says whose data it
reads, or it does not run.

Every model that holds such data reads through a `ScopedQuerySet`, which knows the path from its
rows to their organisation (`organisation_path`) and offers four ways to scope:

- `visible_to(user)`: what this user may see (by default: the user's own organisation, for the roles
  that work with case files; a model says so where its rule differs);
- `editable_by(user)`: what this user may change (client data: `User.can_edit_client`, as a filter);
- `of_organisation(organisation)`: one organisation's rows, for code that works for an organisation
  rather than for a person (figures, tasks, commands);
- `unscoped()`: every organisation's rows, said out loud: tasks and commands that loop over the
  organisations, migrations, the admin.

The scope is carried along when a queryset is chained (`.filter()`, `.values()`, `.order_by()`...).
A related manager bound to an instance (`client.trajectories.all()`) and a prefetch through a
parent counts as scoped: the parent was read through a scope.

While the guard is on (`scope_guard()`; in a request when `settings.SCOPE_GUARD` is on, through
`organisations.middleware.ScopeGuardMiddleware`), evaluating a queryset of such a model that was
never scoped raises `UnscopedQuery`, so a forgotten filter is a failing test instead of a leak.
Building one inside another query (`Exists`, `Subquery`, `pk__in=`) is not evaluating it. Saves,
deletes of an instance and Django's own lookups go through `_base_manager`, which is not scoped;
model validation (`full_clean`, unique fields and constraints) runs unguarded (`ScopedModel`).

This is our own small version of pretix's django-scopes (STYLE.md): the scope is a queryset method
that carries the user's rule, not a global "current organisation".
"""

import contextlib
from contextvars import ContextVar

from celery import signals
from django.db import models
from django.db.models.query import EmptyQuerySet
from simple_history.models import HistoricalRecords

# None: the guard is off. A list: the guard is on, and collects what it refused (see end_guard).
_guard = ContextVar("organisations_scope_guard", default=None)


class UnscopedQuery(RuntimeError):
    """A developer error: a query on client or organisation data ran without saying whose data it
    reads, while the scope guard was on."""


# The guard ------------------------------------------------------------------------------------


@contextlib.contextmanager
def scope_guard():
    """Turn the guard on for the block (tests; the middleware does it for a request)."""
    previous = _guard.get()
    _guard.set([])
    try:
        yield
    finally:
        _guard.set(previous)


@contextlib.contextmanager
def unguarded():
    """Turn the guard off for the block. For Django's own machinery only (model validation, bulk
    updates of given instances); our code says `.unscoped()` instead."""
    previous = _guard.get()
    _guard.set(None)
    try:
        yield
    finally:
        _guard.set(previous)


def start_guard():
    """Turn the guard on until `end_guard` (the middleware: from the view on to the response)."""
    _guard.set([])


def end_guard(previous):
    """Put the guard back as it was (`previous`, from `current_guard()` at the start of the
    request) and return what it refused in between."""
    current = _guard.get()
    _guard.set(previous)
    return current if current is not previous and current else []


def current_guard():
    return _guard.get()


# A Celery task works outside any request, also when it runs in-process within one (no broker, as in
# the demo: a task queued on commit runs before the response): the guard is off for it, as in a
# worker. Tasks scope their own queries (of_organisation, unscoped).
_tasks_unguarded = {}


@signals.task_prerun.connect(weak=False)
def _task_runs_unguarded(task_id=None, **kwargs):
    _tasks_unguarded[task_id] = _guard.set(None)


@signals.task_postrun.connect(weak=False)
def _task_done(task_id=None, **kwargs):
    token = _tasks_unguarded.pop(task_id, None)
    if token is not None:
        _guard.reset(token)


def _refuse(queryset):
    message = (
        f"Unscoped query on {queryset.model._meta.label}: client and organisation data is read through a "
        f"scope. Start from {queryset.model.__name__}.objects.visible_to(user), .editable_by(user) or "
        f".of_organisation(organisation), or say .unscoped() where every organisation is meant (tasks and "
        f"commands that loop over the organisations, migrations, the admin)."
    )
    _guard.get().append(message)
    raise UnscopedQuery(message)


# The queryset ---------------------------------------------------------------------------------


def heads_the_service(user):
    """The diensthoofd of an organisation: the rule of what only she sees or changes."""
    return user.works_with_case_files and user.is_head


class ScopedQuerySet(models.QuerySet):
    """The queryset of every model that holds client or organisation data."""

    # The lookup path from a row to its Organisation.
    organisation_path = "organisation"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # None: not scoped (yet); a word: how it was scoped (for reading in a debugger); False:
        # combined with an unscoped queryset (`|`), which undoes the scope of either side.
        self._scope = None

    # Scoping

    def none(self):
        # No rows cannot show another organisation's: an empty queryset counts as scoped.
        return self._scoped(super().none(), "none")

    def of_organisation(self, organisation):
        """The rows of one organisation (an Organisation or its id)."""
        if organisation is None:
            return self.none()
        return self._scoped(self.filter(**{self.organisation_path: organisation}), "organisation")

    def of_organisations(self, organisations):
        """The rows of these organisations (a region's members, side by side)."""
        return self._scoped(self.filter(**{f"{self.organisation_path}__in": organisations}), "organisation")

    def of_own_organisation(self, user, allowed):
        """The rows of the user's own organisation when `allowed(user)` (a role check) holds;
        none otherwise. The shape of most visible_to and editable_by rules."""
        if not user.is_authenticated or not allowed(user):
            return self.none()
        return self.of_organisation(user.organisation_id)

    def visible_to(self, user):
        """What `user` may see. By default: their own organisation's rows, for the roles that work
        with case files (trajectbegeleider, diensthoofd); nothing for the others."""
        return self.of_own_organisation(user, lambda user: user.works_with_case_files)

    def editable_by(self, user):
        """What `user` may change. By default nothing: each model says who changes it."""
        return self.none()

    def unscoped(self):
        """Every organisation's rows, on purpose: tasks and commands that loop over the
        organisations, migrations, the admin."""
        return self._scoped(self._chain(), "unscoped")

    @property
    def is_scoped(self):
        if self._scope is False:
            return False
        # A related manager or a prefetch adds its parent instance as a hint: the parent was scoped.
        return self._scope is not None or "instance" in self._hints

    @staticmethod
    def _scoped(queryset, how):
        queryset._scope = how
        return queryset

    def _check_scope(self):
        if _guard.get() is not None and not self.is_scoped:
            _refuse(self)

    # The scope follows the queryset

    def _clone(self):
        clone = super()._clone()
        clone._scope = self._scope
        return clone

    def _combine_scope(self, combined, *others, keep):
        """`combined` (a new queryset) is scoped when `keep` holds for the scopes of self and others."""
        if isinstance(combined, ScopedQuerySet) and combined is not self and all(combined is not o for o in others):
            scopes = [_is_scoped(queryset) for queryset in (self, *others)]
            combined._scope = "combined" if keep(scopes) else False
        return combined

    def __or__(self, other):
        # Rows of either: scoped only when both are.
        return self._combine_scope(super().__or__(other), other, keep=all)

    def __xor__(self, other):
        return self._combine_scope(super().__xor__(other), other, keep=all)

    def __and__(self, other):
        # Rows of both: one scoped side is enough.
        return self._combine_scope(super().__and__(other), other, keep=any)

    def _combinator_query(self, combinator, *other_qs, **kwargs):
        keep = {"union": all, "intersection": any, "difference": lambda scopes: scopes[0]}[combinator]
        return self._combine_scope(super()._combinator_query(combinator, *other_qs, **kwargs), *other_qs, keep=keep)

    # Evaluating asks for a scope while the guard is on

    def _fetch_all(self):
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def count(self):
        if self._result_cache is None:
            self._check_scope()
        return super().count()

    def exists(self):
        if self._result_cache is None:
            self._check_scope()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def iterator(self, chunk_size=None):
        self._check_scope()
        return super().iterator(chunk_size=chunk_size)

    async def aiterator(self, chunk_size=2000):
        self._check_scope()
        async for item in super().aiterator(chunk_size=chunk_size):
            yield item

    def explain(self, *args, **kwargs):
        self._check_scope()
        return super().explain(*args, **kwargs)

    def update(self, **kwargs):
        self._check_scope()
        return super().update(**kwargs)

    def _update(self, values):
        self._check_scope()
        return super()._update(values)

    def delete(self):
        self._check_scope()
        return super().delete()

    def _raw_delete(self, using):
        self._check_scope()
        return super()._raw_delete(using)

    def bulk_update(self, objs, fields, batch_size=None):
        # Writes these instances, like save() does for one: nothing is read for anyone.
        with unguarded():
            return super().bulk_update(objs, fields, batch_size=batch_size)

    @classmethod
    def as_manager(cls):
        manager = ScopedManager.from_queryset(cls)()
        manager._built_with_as_manager = True
        return manager

    as_manager.queryset_only = True


def _is_scoped(queryset):
    if isinstance(queryset, EmptyQuerySet):
        return True  # adds no rows
    return queryset.is_scoped if isinstance(queryset, ScopedQuerySet) else True


class ScopedManager(models.Manager):
    """The manager of a scoped model (`SomeQuerySet.as_manager()`): its querysets start unscoped."""


class CaseFileQuerySet(ScopedQuerySet):
    """Client data: a case file (`client_path` ""), or rows that belong to one through `client_path`
    (barriers, trajectories, documents...). Seen by the case-file roles of the organisation,
    changed by whom `User.can_edit_client` allows for the client."""

    client_path = ""
    organisation_path = "organisation"

    def editable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        prefix = f"{self.client_path}__" if self.client_path else ""
        return self._scoped(self.filter(user.editable_clients_filter(prefix)), "editable_by")

    def of_client(self, client):
        """The rows of one case file that was itself read through a scope (client_for,
        visible_to): what hangs under it is scoped by it, as a related manager is."""
        return self.of_clients([client])

    def of_clients(self, clients):
        """The rows of these case files (instances read through a scope or their ids, or a scoped
        queryset)."""
        if not self.client_path:  # the case files themselves
            clients = clients if isinstance(clients, models.QuerySet) else [getattr(client, "pk", client)
                                                                            for client in clients]
            return self._scoped(self.filter(pk__in=clients), "client")
        return self._scoped(self.filter(**{f"{self.client_path}__in": clients}), "client")


class ScopedModel(models.Model):
    """Base of the models read through a ScopedQuerySet. Validation looks at other rows for the
    instance's own sake (Django's unique and constraint checks use `_default_manager`; our clean()
    rules look within the instance's own organisation or client): it runs unguarded, as saving does."""

    class Meta:
        abstract = True

    def full_clean(self, *args, **kwargs):
        with unguarded():
            return super().full_clean(*args, **kwargs)

    def validate_unique(self, *args, **kwargs):
        with unguarded():
            return super().validate_unique(*args, **kwargs)

    def validate_constraints(self, *args, **kwargs):
        with unguarded():
            return super().validate_constraints(*args, **kwargs)


class ScopedHistoricalRecords(HistoricalRecords):
    """django-simple-history for a scoped model with many-to-many history: writing a record reads
    the instance back through `objects` (HistoricalRecords.create_historical_record_m2ms), for the
    instance being saved, so it runs unguarded like the save itself."""

    def create_historical_record(self, *args, **kwargs):
        with unguarded():
            return super().create_historical_record(*args, **kwargs)
