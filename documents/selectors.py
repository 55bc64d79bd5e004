"""What a case file or trajectory page shows of its documents."""


def documents_section(user, client, *, can_edit, trajectory=None):
    """The context of templates/documents/_documents.html: the documents of the client (or of one
    of its trajectories), with their author, in one query. The upload form is fetched when asked
    for (web.documents.views.document_add): most visits to a case file do not add a document."""
    documents = client.documents.select_related("added_by", "trajectory")
    if trajectory is not None:
        documents = documents.filter(trajectory=trajectory)
    return {"documents": documents, "trajectory": trajectory, "can_read_sensitive": user.can_read_sensitive(client)}
