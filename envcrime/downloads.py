"""Responses for private files: the letters, calendars, packages and reports the portal hands out.

Each one is personal or confidential, so every such response is an attachment with a name the server
chose (nothing the user typed reaches the header) and `Cache-Control: no-store`: no browser or proxy
keeps a copy, and a shared computer's back button does not replay it.
"""

from django.http import FileResponse, HttpResponse


def no_store(response: HttpResponse) -> HttpResponse:
    """Mark a response as never to be stored by a browser or a proxy."""
    response["Cache-Control"] = "no-store"
    return response


def private_download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """An in-memory file (a letter, an `.ics`, a report) served as an attachment, never cached."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return no_store(response)


def private_file(file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file (an open file object) streamed as an attachment, never cached."""
    return no_store(FileResponse(file, as_attachment=True, filename=filename, content_type=content_type))
