"""Locust shoppers for section 7 (``bench.http_load``): run by locust from its own
virtualenv (``.bench-venv``, made by ``bench/run.sh``), never inside Saleor's.

Imports nothing of Saleor or Django. ``BENCH_LOAD_DATA`` names a JSON file written by
``bench.http_load``: per set-up ("without", "active") the server's URL and one JWT per
shopper; the payment app's token, the channel, the variants to buy, the address and
the points each checkout of the active set-up redeems.

Every locust user is one shopper on one server and buys in a loop, without pause:
``checkoutCreate`` (three random lines, addresses), ``checkoutDeliveryMethodUpdate``,
on the active server ``checkoutLoyaltyPointsApply`` (a gift card worth the points
goes onto the checkout), the payment app's ``transactionCreate`` charging what is left,
and ``checkoutComplete``. A GraphQL error, a mutation error or an order not fully
charged counts as a failure. The whole purchase is reported too, as "purchase".
"""

import itertools
import json
import os
import random
import time

from locust import FastHttpUser, constant, task

DATA = json.loads(open(os.environ["BENCH_LOAD_DATA"]).read())  # noqa: SIM115

CHECKOUT_CREATE = """
mutation LoadCheckoutCreate($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) {
    checkout { id shippingMethods { id } }
    errors { field code message }
  }
}
"""
DELIVERY_METHOD_UPDATE = """
mutation LoadDeliveryMethod($id: ID!, $method: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {
    checkout { id totalPrice { gross { amount currency } } }
    errors { field code message }
  }
}
"""
POINTS_APPLY = """
mutation LoadPointsApply($id: ID!, $points: Int!) {
  checkoutLoyaltyPointsApply(id: $id, points: $points) {
    checkout { id totalPrice { gross { amount currency } } }
    errors { field code message }
  }
}
"""
TRANSACTION_CREATE = """
mutation LoadPay($id: ID!, $amount: PositiveDecimal!, $currency: String!, $psp: String!) {
  transactionCreate(
    id: $id
    transaction: {
      name: "Card"
      pspReference: $psp
      availableActions: [REFUND]
      amountCharged: {amount: $amount, currency: $currency}
    }
  ) {
    transaction { id }
    errors { field code message }
  }
}
"""
CHECKOUT_COMPLETE = """
mutation LoadComplete($id: ID!) {
  checkoutComplete(id: $id) {
    order { id chargeStatus }
    errors { field code message }
  }
}
"""


# Each set-up's users take its shoppers in turn.
NUMBERS = {setup: itertools.count() for setup in DATA["setups"]}


class GraphQLFailure(Exception):
    pass


class Shopper(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    setup = ""

    def on_start(self):
        setup = DATA["setups"][self.setup]
        number = next(NUMBERS[self.setup])
        self.authorization = f"JWT {setup['tokens'][number % len(setup['tokens'])]}"
        self.random = random.Random(f"{self.setup}-{number}")
        self.purchases = 0

    def graphql(self, name: str, query: str, variables: dict, authorization: str) -> dict:
        with self.client.post(
            "/graphql/",
            json={"query": query, "variables": variables},
            headers={"Authorization": authorization},
            name=f"{self.setup} {name}",
            catch_response=True,
        ) as response:
            try:
                content = response.json()
            except Exception:
                content = None
            message = None
            if response.status_code != 200 or not content or content.get("errors"):
                message = f"{name}: HTTP {response.status_code}: {response.text[:300]}"
            else:
                (payload,) = content["data"].values()
                if payload.get("errors"):
                    message = f"{name}: {payload['errors']}"
            if message:
                response.failure(message)
        if message:
            raise GraphQLFailure(message)
        return payload

    @task
    def purchase(self):
        started = time.perf_counter()
        try:
            self._purchase()
        except GraphQLFailure as error:
            self._report_purchase(started, error)
        else:
            self._report_purchase(started, None)

    def _report_purchase(self, started: float, error: Exception | None) -> None:
        self.environment.events.request.fire(
            request_type="FLOW",
            name=f"{self.setup} purchase",
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=error,
            context={},
        )

    def _purchase(self) -> None:
        lines = [
            {"variantId": variant, "quantity": self.random.randint(1, 2)}
            for variant in self.random.sample(DATA["variants"], 3)
        ]
        created = self.graphql(
            "checkoutCreate",
            CHECKOUT_CREATE,
            {
                "input": {
                    "channel": DATA["channel"],
                    "lines": lines,
                    "shippingAddress": DATA["address"],
                    "billingAddress": DATA["address"],
                }
            },
            self.authorization,
        )["checkout"]
        checkout = self.graphql(
            "checkoutDeliveryMethodUpdate",
            DELIVERY_METHOD_UPDATE,
            {"id": created["id"], "method": created["shippingMethods"][0]["id"]},
            self.authorization,
        )["checkout"]
        if self.setup == "active":
            checkout = self.graphql(
                "checkoutLoyaltyPointsApply",
                POINTS_APPLY,
                {"id": created["id"], "points": DATA["points_per_checkout"]},
                self.authorization,
            )["checkout"]
        total = checkout["totalPrice"]["gross"]
        self.purchases += 1
        self.graphql(
            "transactionCreate",
            TRANSACTION_CREATE,
            {
                "id": created["id"],
                "amount": total["amount"],
                "currency": total["currency"],
                "psp": f"load-{DATA['run']}-{self.setup}-{id(self)}-{self.purchases}",
            },
            f"Bearer {DATA['app_token']}",
        )
        order = self.graphql(
            "checkoutComplete", CHECKOUT_COMPLETE, {"id": created["id"]}, self.authorization
        )["order"]
        if order is None or order["chargeStatus"] != "FULL":
            raise GraphQLFailure(f"checkoutComplete: order {order}")


class WithoutPlugin(Shopper):
    """Saleor as it ships: the CRM plugin is not in ``PLUGINS``."""

    setup = "without"
    host = DATA["setups"]["without"]["url"]


class PluginActive(Shopper):
    """The CRM plugin in ``PLUGINS``, its programme active on the channel."""

    setup = "active"
    host = DATA["setups"]["active"]["url"]
