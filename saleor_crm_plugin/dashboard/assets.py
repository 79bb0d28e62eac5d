"""Serving the built extension: its files, its page routes and its manifest.

Only GET and HEAD. A request path is taken as a path inside ``dist/`` and nothing else:
no ``..``, no hidden or absolute parts, and the resolved file must still lie inside
``dist/`` (a symlink cannot lead out). Hashed files under ``assets/`` never change, so
browsers keep them for a year; ``index.html`` and the manifest are revalidated each time,
so a new release is picked up at once. A path without a file extension is one of the
extension's own routes (``/widgets/customer``): it gets ``index.html``.
"""

import mimetypes
import pathlib
from urllib.parse import unquote

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
    JsonResponse,
)

from .manifest import MANIFEST_FILE, MOUNT_PATH, app_manifest

DIST = pathlib.Path(__file__).resolve().parent / "dist"
INDEX = "index.html"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
NOT_BUILT = (
    "The CRM dashboard extension is not built. In a source checkout run "
    "`npm ci && npm run build` in dashboard-extension/ (scripts/demo and scripts/test do it)."
)
_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
}


def _content_type(path: pathlib.Path) -> str:
    guessed = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    content_type = guessed or "application/octet-stream"
    if content_type.startswith("text/") or content_type == "application/json":
        content_type += "; charset=utf-8"
    return content_type


def _safe_parts(relative: str) -> list[str] | None:
    """The path's parts, or None if any part could leave or hide in ``dist/``."""
    relative = unquote(relative)
    if "\\" in relative or "\x00" in relative:
        return None
    parts = [part for part in relative.split("/") if part]
    if any(part in (".", "..") or part.startswith(".") for part in parts):
        return None
    return parts


def dist_file(relative: str, *, root: pathlib.Path = DIST) -> pathlib.Path | None:
    """The file of ``dist/`` the path names, ``index.html`` for a route, else None."""
    parts = _safe_parts(relative)
    if parts is None:
        return None
    if not parts or not pathlib.PurePosixPath(parts[-1]).suffix:
        parts = [INDEX]
    root = root.resolve()
    candidate = root.joinpath(*parts).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def _file_response(path: pathlib.Path, *, root: pathlib.Path) -> HttpResponse:
    response = FileResponse(path.open("rb"), content_type=_content_type(path))
    hashed = path.relative_to(root.resolve()).parts[0] == "assets"
    response["Cache-Control"] = IMMUTABLE if hashed else REVALIDATE
    response["X-Content-Type-Options"] = "nosniff"
    return response


def dashboard_response(
    request: HttpRequest, path: str | None, *, root: pathlib.Path = DIST
) -> HttpResponse | None:
    """The response for a plugin path under ``/dashboard/``; None for other paths."""
    prefix = f"/{MOUNT_PATH}"
    if not path or not (path == prefix or path.startswith(prefix + "/")):
        return None
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    relative = path[len(prefix) :].lstrip("/")
    if relative == MANIFEST_FILE:
        response = JsonResponse(app_manifest())
        response["Cache-Control"] = REVALIDATE
        return response
    if not (root / INDEX).is_file():
        return HttpResponseNotFound(NOT_BUILT, content_type="text/plain; charset=utf-8")
    found = dist_file(relative, root=root)
    if found is None:
        return HttpResponseNotFound("Not found.", content_type="text/plain; charset=utf-8")
    return _file_response(found, root=root)
