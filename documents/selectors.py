"""What a case file or trajectory page shows of its documents."""

from django.conf import settings

from .forms import DocumentForm


def documents_section(user, client, *, can_edit, trajectory=None):
    """The context of templates/documents/_documents.html: the documents of the client (or of one
    of its trajectories), with their author, in one query, and the upload form for those who may
    change the file."""
    documents = client.documents.select_related("added_by", "trajectory")
    if trajectory is not None:
        documents = documents.filter(trajectory=trajectory)
    form = None
    if can_edit:
        form = DocumentForm(client=client, initial={"trajectory": trajectory})
    return {"documents": documents, "document_form": form, "document_limit": settings.DOCUMENT_MAX_BYTES,
            "trajectory": trajectory, "can_read_sensitive": user.can_read_sensitive(client)}
