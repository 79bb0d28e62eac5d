"""The benchmark's measuring process on a fresh database (issue 15): Saleor's site
migration 0013 leaves a historical ``Site`` in Saleor's process-wide site cache, and
every GraphQL request of that process then fails with 'Must be "Site" instance'."""

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.db.migrations.state import ModelState, ProjectState
from saleor.site import patch_sites
from saleor.site.models import SiteSettings

from bench.main import site_cache_clear


def historical_site_model():
    """``Site`` as a migration sees it (``apps.get_model("sites", "Site")``)."""
    state = ProjectState(models={("sites", "site"): ModelState.from_model(Site)})
    return state.apps.get_model("sites", "Site")


def test_the_measuring_process_forgets_a_historical_site_that_migrations_cached(
    site_settings,
):
    # given: what migration 0013's Site.objects.get_current() leaves in the cache
    historical = historical_site_model().objects.get(pk=settings.SITE_ID)
    patch_sites.THREADED_SITE_CACHE[settings.SITE_ID] = historical
    with pytest.raises(ValueError, match='Must be "Site" instance'):
        SiteSettings.objects.get(site=Site.objects.get_current())

    # when
    site_cache_clear()

    # then
    current = Site.objects.get_current()
    assert type(current) is Site
    assert SiteSettings.objects.get(site=current) == site_settings
