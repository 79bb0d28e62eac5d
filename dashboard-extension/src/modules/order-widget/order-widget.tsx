import { useWidgetAutoResize } from "@saleor/app-sdk/app-bridge";
import { Box, Text } from "@saleor/macaw-ui-next";
import { useRef } from "react";
import { useQuery } from "urql";

import { OrderCrmDocument, OrderProgrammeDocument } from "../../generated/graphql";
import { missingPermissions } from "../permissions/describe-error";
import { Section, Stat, StatRow } from "../ui/layout";
import { EmptyState, ErrorNotice, InactiveProgramme, Loading, MissingPermission } from "../ui/states";
import { orderPointsView, orderRecoveryStats, type StatLine } from "./order-points";

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
        <OrderCrm orderId={orderId} />
      )}
    </Box>
  );
}

function Stats({ stats }: { stats: readonly StatLine[] }) {
  return (
    <StatRow>
      {stats.map((stat) => (
        <Stat key={stat.label} label={stat.label} value={stat.value} hint={stat.hint} testId={stat.testId} />
      ))}
    </StatRow>
  );
}

function OrderCrm({ orderId }: { orderId: string }) {
  const [result] = useQuery({ query: OrderCrmDocument, variables: { id: orderId } });
  const order = result.data?.order;
  const channel = order?.channel.slug ?? "";
  // Only asked when the ledger knows nothing about the order: is the programme off?
  const [programme] = useQuery({ query: OrderProgrammeDocument, variables: { channel }, pause: !order || order.crmLoyalty !== null || !order.user });

  if (result.fetching && !result.data) return <Loading />;
  if (result.error && !order) return <ErrorNotice error={result.error} what="this order" />;
  if (!order) return <EmptyState title="Order not found" />;

  const points = orderPointsView(order.crmLoyalty, { isGuest: !order.user, programmeActive: programme.data?.loyaltyProgram?.isActive ?? null });
  const recovery = orderRecoveryStats(order.crmRecovery);

  return (
    <>
      {result.error ? <ErrorNotice error={result.error} what="part of this order's CRM data" /> : null}
      <Section title={`Points on order #${order.number}`} testId="order-points">
        {points.kind === "guest" ? (
          <Text size={2} color="default2">
            A guest order: points go to customer accounts only.
          </Text>
        ) : points.kind === "inactive" ? (
          <InactiveProgramme channel={order.channel.name} />
        ) : points.kind === "none" ? (
          <Text size={2} color="default2">
            No points on this order (yet): points are earned once it is fully paid.
          </Text>
        ) : (
          <Stats stats={points.stats} />
        )}
      </Section>
      <Section title="Cart recovery" testId="order-recovery">
        {recovery ? (
          <Stats stats={recovery} />
        ) : (
          <Text size={2} color="default2">
            Not from an abandoned cart.
          </Text>
        )}
      </Section>
    </>
  );
}
