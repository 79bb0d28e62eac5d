import sys

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class CRMConfig(AppConfig):
    name = "saleor_crm_plugin"
    label = "saleor_crm"
    verbose_name = "Saleor CRM"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Saleor builds its GraphQL schema when `saleor.graphql.api` is imported; our
        # fields must be on Saleor's types before that happens (docs/architecture.md, "GraphQL").
        if "saleor.graphql.api" in sys.modules:
            raise ImproperlyConfigured(
                "saleor_crm_plugin: Saleor's GraphQL schema was built before the CRM app "
                "was ready, so the CRM fields would be missing from /graphql/. Make sure "
                "nothing imports saleor.graphql.api before django.setup() finishes."
            )
        # Imported here, not at module level: these modules need the app registry.
        from . import tasks  # noqa: F401, PLC0415  (registers Celery tasks)
        from .graphql.schema import extend_saleor_schema  # noqa: PLC0415
        from .schedule import register_periodic_tasks  # noqa: PLC0415

        extend_saleor_schema()
        register_periodic_tasks()
