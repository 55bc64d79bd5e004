"""Role checks declared at the view. A forbidden action answers 403; scoping (404) lives in
the querysets (`clients.models.ClientQuerySet.visible_to`)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(check):
    """Allow the view only to logged-in users for whom `check(user)` holds."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


case_file_access = role_required(lambda user: user.works_with_case_files)
administrator_required = role_required(lambda user: user.is_administrator)
aggregates_access = role_required(lambda user: user.sees_aggregates)
head_required = role_required(lambda user: user.works_with_case_files and user.is_head)
organisation_figures_access = role_required(lambda user: user.sees_aggregates and user.organisation_id is not None)
# The account log and the requests of the beheerder: the diensthoofd decides, the beheerder follows up.
account_log_access = role_required(lambda user: (user.works_with_case_files and user.is_head) or user.is_administrator)


COLLEAGUE_CASE_FILE = "colleague_case_file"


class ColleagueCaseFile(PermissionDenied):
    """The user may read this client's file but not change it: it is in a colleague's caseload, not
    a matter of the role. The 403 page (templates/403.html, which gets str(exception)) says so."""

    def __init__(self):
        super().__init__(COLLEAGUE_CASE_FILE)
