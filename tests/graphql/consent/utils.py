from django.db import connection
from django.test.utils import CaptureQueriesContext
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.consent.models import ConsentEvent, MarketingConsent

CUSTOMERS = "query {{ customers(first: 50) {{ edges {{ node {{ email {fields} }} }} }} }}"


def consent_rows() -> tuple[int, int]:
    """Rows of the consent tables (answers, history)."""
    return MarketingConsent.objects.count(), ConsentEvent.objects.count()


def customers_query_counts(client, fields: str, add_customer) -> tuple[int, int, list]:
    """(queries for 1 customer, queries for 5, edges for 5) of ``customers { fields }``.

    ``add_customer(number)`` makes customer ``c<number>@example.com`` and their answers.
    """
    query = CUSTOMERS.format(fields=fields)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = client.post_graphql(query)
        return len(queries), get_graphql_content(response)["data"]["customers"]["edges"]

    add_customer(0)
    count_queries()  # warm-up: the first request loads the requester's permissions
    few, _edges = count_queries()
    for number in range(1, 5):
        add_customer(number)
    many, edges = count_queries()
    return few, many, edges
