import { useAppBridge, useWidgetAutoResize } from "@saleor/app-sdk/app-bridge";
import { actions } from "@saleor/app-sdk/app-bridge";
import { Box, Text } from "@saleor/macaw-ui-next";
import { useRef, useState } from "react";

import { ChannelSelect } from "../channels/channel-select";
import { useChannel } from "../channels/use-channel";
import { formatMoney, formatMoneyObject } from "../money/format-money";
import { missingPermissions } from "../permissions/describe-error";
import { RFM_GROUPS } from "../segments/condition-fields";
import { formatDate } from "../ui/dates";
import { Cell, ProgressBar, Section, Stat, StatRow, Table } from "../ui/layout";
import { EmptyState, ErrorNotice, InactiveProgramme, Loading, MissingPermission } from "../ui/states";
import { AdjustPointsForm } from "./adjust-points-form";
import { ConsentEditor } from "./consent-editor";
import { type ConsentLike, consentSummary, entryLabel, segmentWhy, signedPoints, tierProgress } from "./customer-summary";
import { TagsEditor } from "./tags-editor";
import { useCustomerCrm } from "./use-customer-crm";

const REQUIRED = ["MANAGE_USERS"];

/** CUSTOMER_DETAILS_WIDGETS: the customer's points, tier, tags, segments and ledger. */
export function CustomerWidget({ customerId, channel, permissions }: { customerId: string | null; channel: string | null; permissions: readonly string[] | undefined }) {
  const rootRef = useRef<HTMLDivElement>(null);
  useWidgetAutoResize(rootRef);
  const missing = missingPermissions(permissions, REQUIRED);
  return (
    <Box ref={rootRef} padding={4} display="flex" flexDirection="column" gap={5} data-testid="customer-widget">
      {!customerId ? (
        <EmptyState title="No customer">The Dashboard did not pass a customerId.</EmptyState>
      ) : missing.length > 0 ? (
        <MissingPermission permissions={missing} what="this customer's CRM data" />
      ) : (
        <CustomerCrm customerId={customerId} requestedChannel={channel} />
      )}
    </Box>
  );
}

function CustomerCrm({ customerId, requestedChannel }: { customerId: string; requestedChannel: string | null }) {
  const [channelSlug, setChannelSlug] = useState(requestedChannel);
  const { channels, channel, fetching: channelsLoading, error: channelsError } = useChannel(channelSlug);
  const { crm, segments, adjust, addTags, removeTags, setConsent, refresh } = useCustomerCrm(customerId, channel?.slug ?? null);
  const { appBridge } = useAppBridge();
  const [consentSet, setConsentShown] = useState<ConsentLike | null>(null);

  if (channelsLoading) return <Loading />;
  if (channelsError) return <ErrorNotice error={channelsError} what="the channels" />;
  if (!channel) return <EmptyState title="No channels">Create a channel first; each channel is its own loyalty programme.</EmptyState>;
  if (crm.fetching && !crm.data) return <Loading lines={5} />;
  if (crm.error && !crm.data?.user) return <ErrorNotice error={crm.error} what="this customer's CRM data" />;
  const user = crm.data?.user;
  if (!user) return <EmptyState title="Customer not found">It may have been deleted.</EmptyState>;

  const program = crm.data?.loyaltyProgram;
  const account = user.loyalty;
  const progress = account ? tierProgress(account) : null;
  const why = segmentWhy(segments.data?.user?.segmentExplanations ?? []);
  const rfm = segments.data?.user?.rfm?.[0] ?? null;
  const entries = account?.entries?.edges.map((edge) => edge.node) ?? [];
  const consent = consentSummary(consentSet ?? user.crmMarketingConsent);

  const notify = (status: "success" | "error", title: string) => appBridge?.dispatch(actions.Notification({ status, title }));

  return (
    <>
      <Box display="flex" justifyContent="space-between" alignItems="flex-end" gap={3}>
        <Text size={6} fontWeight="bold">
          CRM
        </Text>
        <ChannelSelect channels={channels} value={channel.slug} onChange={setChannelSlug} />
      </Box>

      {user.isStaff ? (
        <EmptyState title="A staff account">Staff accounts do not take part in the loyalty programme or segments.</EmptyState>
      ) : null}

      {program && !program.isActive ? <InactiveProgramme channel={channel.name} /> : null}

      {account && program?.isActive ? (
        <Section title="Loyalty" testId="loyalty">
          <StatRow>
            <Stat label="Balance" value={account.balance.toLocaleString("en-US")} hint={formatMoneyObject(account.pointsValue)} testId="balance" />
            <Stat label="Pending" value={account.pending.toLocaleString("en-US")} hint="until the return window ends" testId="pending" />
            <Stat label="Lifetime points" value={account.lifetimePoints.toLocaleString("en-US")} />
            <Stat label="Tier" value={progress?.label ?? "—"} hint={progress?.nextLabel ?? undefined} testId="tier" />
          </StatRow>
          {progress?.percent !== null && progress?.percent !== undefined ? <ProgressBar percent={progress.percent} /> : null}
          <AdjustPointsForm
            balance={account.balance}
            disabled={user.isStaff}
            onSubmit={async ({ points, reason, idempotencyKey }) => {
              const result = await adjust({ customerId, channel: channel.slug, points, reason, idempotencyKey });
              const errors = result.error
                ? [{ message: result.error.message }]
                : (result.data?.loyaltyPointsAdjust?.errors ?? []);
              if (errors.length === 0) {
                notify("success", `Points adjusted by ${signedPoints(points)}`);
                refresh();
              }
              return { errors };
            }}
          />
        </Section>
      ) : null}

      <Section title="Recent points" testId="ledger">
        {entries.length === 0 ? (
          <Text size={2} color="default2">
            No points yet in {channel.name}.
          </Text>
        ) : (
          <Table head={["Date", "What", "Points", "Reason", "Status"]}>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <Cell>{formatDate(entry.createdAt)}</Cell>
                <Cell>{entryLabel(entry.type)}</Cell>
                <Cell>{signedPoints(entry.points)}</Cell>
                <Cell>{entry.reason || "—"}</Cell>
                <Cell>{entry.status === "PENDING" ? `pending until ${formatDate(entry.availableAt)}` : "available"}</Cell>
              </tr>
            ))}
          </Table>
        )}
      </Section>

      <Section title="Tags">
        <TagsEditor
          tags={user.crmTags}
          onAdd={async (tags) => {
            const result = await addTags({ customerId, tags });
            const problem = result.error?.message ?? result.data?.customerTagsAdd?.errors[0]?.message ?? null;
            if (!problem) refresh();
            return problem;
          }}
          onRemove={async (tag) => {
            const result = await removeTags({ customerId, tags: [tag] });
            const problem = result.error?.message ?? result.data?.customerTagsRemove?.errors[0]?.message ?? null;
            if (!problem) refresh();
            return problem;
          }}
        />
      </Section>

      <Section title="Segments" testId="segments">
        {segments.fetching && !segments.data ? (
          <Loading lines={2} />
        ) : segments.error && !segments.data?.user ? (
          <ErrorNotice error={segments.error} what="segments" />
        ) : why.length === 0 ? (
          <Text size={2} color="default2">
            No segments defined yet (Customers → CRM → Segments).
          </Text>
        ) : (
          why.map((segment) => (
            <Box key={segment.id} as="details" data-testid={`segment-${segment.name}`}>
              <Box as="summary" cursor="pointer">
                <Text size={3} fontWeight={segment.isMember ? "bold" : "regular"}>
                  {segment.isMember ? "✓ Member of" : "✗ Not in"} {segment.name}
                </Text>
              </Box>
              <Box paddingLeft={4} paddingTop={1} display="flex" flexDirection="column" gap={0.5}>
                {segment.reasons.map((reason, index) => (
                  <Text key={index} size={2} color={reason.holds ? "success1" : "default2"} __paddingLeft={`${reason.depth * 12}px`}>
                    {reason.holds ? "✓" : "✗"} {reason.text}
                  </Text>
                ))}
              </Box>
            </Box>
          ))
        )}
      </Section>

      <Section title="RFM">
        {rfm ? (
          <StatRow>
            <Stat label="Group" value={RFM_GROUPS.find((group) => group.slug === rfm.group.toLowerCase())?.label ?? rfm.group} />
            <Stat label="R · F · M" value={`${rfm.recency} · ${rfm.frequency} · ${rfm.monetary}`} />
            <Stat label="Orders" value={rfm.orderCount} hint={`last ${formatDate(rfm.lastOrderAt)}`} />
            <Stat label="Spent" value={formatMoney(rfm.totalSpent.amount, rfm.totalSpent.currency)} />
          </StatRow>
        ) : (
          <Text size={2} color="default2">
            Not scored in {channel.name} yet (scores are computed daily for customers with orders).
          </Text>
        )}
      </Section>

      <Section title="Marketing consent" testId="consent">
        <Text size={2} color="default2" data-testid="consent-state">
          {consent.text}
        </Text>
        <ConsentEditor
          current={consent.state}
          onSubmit={async ({ granted, reason }) => {
            const result = await setConsent({ customerId, granted, reason: reason || undefined });
            const answer = result.data?.customerMarketingConsentSet;
            const errors = result.error ? [{ message: result.error.message }] : (answer?.errors ?? []);
            if (errors.length === 0) setConsentShown(answer?.user?.crmMarketingConsent ?? null);
            return { errors };
          }}
        />
      </Section>
    </>
  );
}
