import pytest
from django.core.exceptions import ValidationError
from saleor.app.installation_utils import install_app
from saleor.app.manifest_validations import clean_manifest_data
from saleor.app.models import App, AppExtension, AppInstallation
from saleor.permission.models import Permission

from saleor_crm_plugin.dashboard.manifest import (
    APP_ID,
    APP_PERMISSIONS,
    app_manifest,
    manifest_url,
)

MANIFEST_PATH = "/plugins/saleor.crm/dashboard/manifest.json"


def _permissions(codenames):
    return Permission.objects.filter(codename__in=[name.lower() for name in codenames])


@pytest.mark.django_db
def test_manifest_passes_saleors_own_validation():
    # given
    manifest = app_manifest()

    # when
    clean_manifest_data(manifest, raise_for_saleor_version=True)

    # then: Saleor's cleaning resolved every permission and kept the three extensions
    assert sorted(p.codename for p in manifest["permissions"]) == sorted(
        name.lower() for name in APP_PERMISSIONS
    )
    assert [(e["mount"], e["target"]) for e in manifest["extensions"]] == [
        ("customer_details_widgets", "widget"),
        ("order_details_widgets", "widget"),
        ("navigation_customers", "app_page"),
    ]


def test_manifest_urls_come_from_public_url(settings):
    # given
    settings.PUBLIC_URL = "https://shop.example.net"

    # when
    manifest = app_manifest()

    # then
    base = "https://shop.example.net/plugins/saleor.crm/dashboard"
    assert manifest_url() == base + "/manifest.json"
    assert manifest["appUrl"] == base
    assert [e["url"] for e in manifest["extensions"]] == [
        base + "/widgets/customer",
        base + "/widgets/order",
        "/app",
    ]
    assert "tokenTargetUrl" not in manifest


@pytest.mark.django_db
def test_manifest_is_served_by_the_plugin(client, channel_USD):
    # given: a shop has a channel; the plugin answers for every channel alike

    # when
    response = client.get(MANIFEST_PATH)

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-cache"
    assert response.json() == app_manifest()


@pytest.mark.django_db
def test_a_second_install_of_the_same_app_is_refused():
    # given
    App.objects.create(name="CRM", identifier=APP_ID)

    # when
    with pytest.raises(ValidationError) as error:
        clean_manifest_data(app_manifest())

    # then
    assert error.value.error_dict["identifier"][0].code == "unique"


@pytest.mark.django_db(transaction=True)
def test_install_app_with_the_served_manifest_creates_the_app_and_its_extensions(
    live_server, settings, channel_USD
):
    # given: Saleor fetches the manifest over HTTP from the plugin, as appInstall does
    settings.PUBLIC_URL = live_server.url
    installation = AppInstallation.objects.create(app_name="CRM", manifest_url=manifest_url())
    installation.permissions.set(_permissions(APP_PERMISSIONS))

    # when
    app, token = install_app(installation, activate=True)

    # then
    assert token is None  # no tokenTargetUrl: the extension has no backend
    assert app.identifier == APP_ID
    assert app.is_active
    assert app.app_url == f"{live_server.url}/plugins/saleor.crm/dashboard"
    extensions = {e.identifier: e for e in AppExtension.objects.filter(app=app).order_by("pk")}
    assert {
        identifier: (e.mount, e.target, e.url, e.http_target_method)
        for identifier, e in extensions.items()
    } == {
        "crm-customer-widget": (
            "customer_details_widgets",
            "widget",
            f"{live_server.url}/plugins/saleor.crm/dashboard/widgets/customer",
            "GET",
        ),
        "crm-order-widget": (
            "order_details_widgets",
            "widget",
            f"{live_server.url}/plugins/saleor.crm/dashboard/widgets/order",
            "GET",
        ),
        "crm-app-page": ("navigation_customers", "app_page", "/app", None),
    }
    assert sorted(p.codename for p in extensions["crm-order-widget"].permissions.all()) == [
        "manage_orders",
        "manage_users",
    ]
