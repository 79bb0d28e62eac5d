import { useWidgetAutoResize } from "@saleor/app-sdk/app-bridge";
import { Box, Text } from "@saleor/macaw-ui-next";
import { useRef } from "react";
import { useQuery } from "urql";

import { OrderCrmDocument, OrderLedgerDocument, OrderRecoveryDocument } from "../../generated/graphql";
import { formatMoneyObject } from "../money/format-money";
import { hasPermissions, missingPermissions } from "../permissions/describe-error";
import { formatDate } from "../ui/dates";
import { Section, Stat, StatRow } from "../ui/layout";
import { EmptyState, ErrorNotice, InactiveProgramme, Loading, MissingPermission } from "../ui/states";
import { orderPoints } from "./order-points";

/** ORDER_DETAILS_WIDGETS: the order's points and the recovery offer it came from. */
export function OrderWidget({ orderId, permissions }: { orderId: string | null; permissions: readonly string[] | undefined }) {
  const rootRef = useRef<HTMLDivElement>(null);
  useWidgetAutoResize(rootRef);
  const missing = missingPermissions(permissions, ["MANAGE_ORDERS", "MANAGE_USERS"]);
  return (
    <Box ref={rootRef} padding={4} display="flex" flexDirection="column" gap={4} data-testid="order-widget">
      {!orderId ? (
        <EmptyState title="No order">The Dashboard did not pass an orderId.</EmptyState>
      ) : missing.length > 0 ? (
        <MissingPermission permissions={missing} what="this order's points" />
      ) : (
        <OrderCrm orderId={orderId} canSeeCheckouts={hasPermissions(permissions, ["MANAGE_CHECKOUTS"])} />
      )}
    </Box>
  );
}

function OrderCrm({ orderId, canSeeCheckouts }: { orderId: string; canSeeCheckouts: boolean }) {
  const [orderResult] = useQuery({ query: OrderCrmDocument, variables: { id: orderId } });
  const order = orderResult.data?.order;
  const channel = order?.channel.slug ?? "";
  const userId = order?.user?.id ?? null;
  const [ledger] = useQuery({ query: OrderLedgerDocument, variables: { userId: userId ?? "", channel }, pause: !userId || !channel });
  const [recovery] = useQuery({
    query: OrderRecoveryDocument,
    variables: { channel, search: order?.userEmail ?? "" },
    pause: !canSeeCheckouts || !channel || !order?.userEmail,
  });

  if (orderResult.fetching && !orderResult.data) return <Loading />;
  if (orderResult.error && !order) return <ErrorNotice error={orderResult.error} what="this order" />;
  if (!order) return <EmptyState title="Order not found" />;

  const entries =
    ledger.data?.user?.loyalty?.entries?.edges.map(({ node }) => ({
      points: node.points,
      type: node.type,
      status: node.status,
      availableAt: node.availableAt ?? null,
      orderId: node.order?.id ?? null,
    })) ?? [];
  const points = orderPoints(entries, order.id);
  const program = ledger.data?.loyaltyProgram;
  const recovered = recovery.data?.abandonedCheckouts?.edges.map(({ node }) => node).find((node) => node.order?.id === order.id) ?? null;

  return (
    <>
      <Section title={`Points on order #${order.number}`} testId="order-points">
        {!userId ? (
          <Text size={2} color="default2">
            A guest order: points go to customer accounts only.
          </Text>
        ) : ledger.fetching && !ledger.data ? (
          <Loading lines={2} />
        ) : ledger.error && !ledger.data?.user ? (
          <ErrorNotice error={ledger.error} what="the customer's points" />
        ) : program && !program.isActive && points.entryCount === 0 ? (
          <InactiveProgramme channel={channel} />
        ) : points.entryCount === 0 ? (
          <Text size={2} color="default2">
            No points on this order (yet): points are earned once it is fully paid.
          </Text>
        ) : (
          <StatRow>
            <Stat label="Earned" value={points.earned.toLocaleString("en-US")} testId="order-earned" />
            <Stat label="Pending" value={points.pending.toLocaleString("en-US")} hint={points.pendingUntil ? `until ${formatDate(points.pendingUntil)}` : undefined} />
            <Stat label="Reversed" value={points.reversed.toLocaleString("en-US")} hint="refunds, cancellation" />
            <Stat label="Redeemed" value={points.redeemed.toLocaleString("en-US")} hint="paid with points" />
          </StatRow>
        )}
      </Section>
      <Section title="Cart recovery" testId="order-recovery">
        {!canSeeCheckouts ? (
          <MissingPermission permissions={["MANAGE_CHECKOUTS"]} what="the abandoned cart this order may come from" />
        ) : recovery.fetching && !recovery.data ? (
          <Loading lines={1} />
        ) : recovered ? (
          <StatRow>
            <Stat label="Recovered cart" value={formatMoneyObject(recovered.total)} hint={`abandoned ${formatDate(recovered.detectedAt)}`} />
            <Stat label="Reminders" value={`stage ${recovered.stage}`} hint={recovered.variant ? `variant ${recovered.variant}` : undefined} />
            <Stat label="Offer" value={recovered.offer?.code ?? "none"} hint={recovered.offer ? `${recovered.offer.status.toLowerCase()} · ${recovered.offer.discountType} ${recovered.offer.value}` : undefined} />
            <Stat label="Discount" value={formatMoneyObject(recovered.discount)} />
          </StatRow>
        ) : (
          <Text size={2} color="default2">
            Not from a reminded cart.
          </Text>
        )}
      </Section>
    </>
  );
}
