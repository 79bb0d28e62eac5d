import pathlib

import pytest
from django.test import RequestFactory

from saleor_crm_plugin.dashboard.assets import (
    IMMUTABLE,
    NOT_BUILT,
    REVALIDATE,
    dashboard_response,
    dist_file,
)

INDEX_HTML = "<!doctype html><title>CRM</title>"


@pytest.fixture
def dist(tmp_path) -> pathlib.Path:
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX_HTML)
    (root / "assets" / "index-3f2a9c.js").write_text("console.log(1)")
    (root / "assets" / "index-77aa01.css").write_text("body{}")
    (root / "assets" / "logo.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("outside dist")
    (root / ".env").write_text("hidden")
    (root / "assets" / "escape.js").symlink_to(tmp_path / "secret.txt")
    return root


def _get(path, *, root, method="get"):
    request = getattr(RequestFactory(), method)(f"/plugins/saleor.crm{path}")
    return dashboard_response(request, path, root=root)


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    ("path", "content_type", "cache"),
    [
        ("/dashboard/assets/index-3f2a9c.js", "text/javascript; charset=utf-8", IMMUTABLE),
        ("/dashboard/assets/index-77aa01.css", "text/css; charset=utf-8", IMMUTABLE),
        ("/dashboard/assets/logo.svg", "image/svg+xml", IMMUTABLE),
        ("/dashboard/index.html", "text/html; charset=utf-8", REVALIDATE),
        ("/dashboard/", "text/html; charset=utf-8", REVALIDATE),
        ("/dashboard", "text/html; charset=utf-8", REVALIDATE),
    ],
)
def test_files_are_served_with_their_type_and_cache_policy(dist, path, content_type, cache):
    # when
    response = _get(path, root=dist)

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == cache
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("route", ["/dashboard/widgets/customer", "/dashboard/app/segments/1"])
def test_extension_routes_get_the_index_page(dist, route):
    # when
    response = _get(route, root=dist)

    # then
    assert response.status_code == 200
    assert _body(response).decode() == INDEX_HTML


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/../secret.txt",
        "/dashboard/assets/../../secret.txt",
        "/dashboard/%2e%2e/secret.txt",
        "/dashboard/%252e%252e/secret.txt",
        "/dashboard/..%2fsecret.txt",
        "/dashboard/assets\\..\\..\\secret.txt",
        "/dashboard/.env",
        "/dashboard/assets/escape.js",
        "/dashboard//etc/passwd.txt",
        "/dashboard/assets/missing.js",
        "/dashboard/index.html\x00.js",
    ],
)
def test_nothing_outside_dist_or_hidden_is_served(dist, path):
    # when
    response = _get(path, root=dist)

    # then
    assert response.status_code == 404
    assert b"outside dist" not in _body(response)
    assert b"hidden" not in _body(response)


def test_only_reads_are_allowed(dist):
    # when
    response = _get("/dashboard/index.html", root=dist, method="post")

    # then
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_other_plugin_paths_are_left_to_saleor(dist):
    # when
    responses = [_get(path, root=dist) for path in ["/unsubscribe", "/dashboards/x", ""]]

    # then
    assert responses == [None, None, None]


def test_an_unbuilt_extension_says_how_to_build_it(tmp_path):
    # when
    response = _get("/dashboard/widgets/customer", root=tmp_path / "dist")

    # then
    assert response.status_code == 404
    assert response.content.decode() == NOT_BUILT


def test_dist_file_maps_routes_to_index_and_files_to_themselves(dist):
    # when
    found = [dist_file(path, root=dist) for path in ["", "app", "assets/logo.svg", "x.js"]]

    # then
    resolved = dist.resolve()
    assert found == [
        resolved / "index.html",
        resolved / "index.html",
        resolved / "assets" / "logo.svg",
        None,
    ]
