"""What a case file or trajectory page shows of its documents."""

from dataclasses import dataclass

from .models import Document


@dataclass(frozen=True)
class ShownDocument:
    """A document as one user sees it: `label` is its type or "Confidential document", and a
    `confidential` one shows nothing more than that and its date (Document.is_confidential_for)."""

    document: Document
    label: str
    confidential: bool


def documents_section(user, client, *, can_edit, trajectory=None):
    """The context of templates/documents/_documents.html: the documents of the client (or of one
    of its trajectories), with their author, in one query, each as `user` may see it. The upload
    form is fetched when asked for (web.documents.views.document_add): most visits to a case file
    do not add a document.

    `sensitive_read`: what the section shows of medical and psychological documents (their type,
    description and file name, to the assigned counsellor or the head), in words for the access log,
    or "" when it shows none: the page that shows it logs that read (audit.sensitive.read_sensitive)."""
    documents = client.documents.select_related("added_by", "trajectory")
    if trajectory is not None:
        documents = documents.filter(trajectory=trajectory)
    shown = [ShownDocument(document, document.label_for(user), document.is_confidential_for(user))
             for document in documents]
    return {
        "documents": shown,
        "trajectory": trajectory,
        "sensitive_read": ", ".join(str(item.document) for item in shown
                                    if item.document.is_sensitive and not item.confidential),
    }
