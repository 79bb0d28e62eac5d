import { Box, Button, Input, Select, Text } from "@saleor/macaw-ui-next";
import { useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import type { AbandonedCheckoutStatusEnum } from "../../generated/graphql";
import type { ChannelChoice } from "../channels/use-channel";
import { formatMoney, formatMoneyCompact, formatPercent } from "../money/format-money";
import { chartColors } from "../ui/chart-colors";
import { formatDateTime } from "../ui/dates";
import { Cell, Section, Stat, StatRow, Table } from "../ui/layout";
import { EmptyState, ErrorNotice, InactiveProgramme, Loading } from "../ui/states";
import { abTestResults } from "./ab-test";
import { recoveryFunnel, revenueAgainstCost } from "./funnel";
import { useCartRecovery } from "./use-cart-recovery";

const PERIODS = [
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
  { value: "365", label: "Last year" },
  { value: "all", label: "All time" },
];
const STATUSES: AbandonedCheckoutStatusEnum[] = ["OPEN", "RECOVERED", "COMPLETED", "PURCHASED_ELSEWHERE", "SUPPRESSED", "EXPIRED"];

export function CartRecoveryTab({ channel }: { channel: ChannelChoice }) {
  const [period, setPeriod] = useState("30");
  const [status, setStatus] = useState<string>("all");
  const [search, setSearch] = useState("");
  const [after, setAfter] = useState<string | null>(null);
  const { stats, checkouts } = useCartRecovery(channel.slug, period === "all" ? null : Number(period), {
    status: status === "all" ? null : [status as AbandonedCheckoutStatusEnum],
    search,
    after,
  });
  const data = stats.data?.cartRecoveryStats;
  const currency = data?.recoveredRevenue.currency ?? channel.currencyCode;
  const byStage = useMemo(
    () =>
      (data?.byStage ?? []).map((stage) => ({
        stage: stage.stage,
        reminded: stage.reminded,
        recovered: stage.recovered,
        recoveredRevenue: stage.recoveredRevenue.amount,
        discountCost: stage.discountCost.amount,
      })),
    [data],
  );

  return (
    <Box display="flex" flexDirection="column" gap={6}>
      {stats.data?.loyaltyProgram && !stats.data.loyaltyProgram.isActive ? (
        <InactiveProgramme channel={channel.name}>
          No carts are reminded in {channel.name} while the CRM is off there. Switch it on, and “Cart recovery” with it, in Programme settings (needs Manage plugins).
        </InactiveProgramme>
      ) : null}
      <Select label="Period" size="small" options={PERIODS} value={PERIODS.find((option) => option.value === period) ?? null} onChange={(option) => option && setPeriod(option.value)} __width="200px" />
      {stats.fetching && !stats.data ? (
        <Loading lines={6} />
      ) : stats.error && !data ? (
        <ErrorNotice error={stats.error} what="cart-recovery figures" />
      ) : !data ? (
        <EmptyState title="Unknown channel" />
      ) : data.detected === 0 ? (
        <EmptyState title="No abandoned checkouts in this period">
          Cart recovery runs in channels where the CRM is active and “Cart recovery” is on (Programme settings), with both storefront URLs set. Abandoned and reminded carts show up here.
        </EmptyState>
      ) : (
        <>
          <Section title="Results" testId="recovery-stats">
            <StatRow>
              <Stat label="Abandoned" value={data.detected.toLocaleString("en-US")} hint="detected in the period" testId="detected" />
              <Stat label="Reminded" value={data.reminded.toLocaleString("en-US")} />
              <Stat label="Recovered" value={data.recovered.toLocaleString("en-US")} hint={formatPercent(data.recoveryRate)} testId="recovered" />
              <Stat label="Recovered revenue" value={formatMoney(data.recoveredRevenue.amount, currency)} />
              <Stat label="Discount cost" value={formatMoney(data.discountCost.amount, currency)} />
            </StatRow>
          </Section>
          <Section title="Funnel" testId="funnel">
            <FunnelChart steps={recoveryFunnel({ detected: data.detected, reminded: data.reminded, recovered: data.recovered, byStage })} />
            <Text size={1} color="default2" data-testid="funnel-summary">
              Of {data.detected.toLocaleString("en-US")} checkouts detected as abandoned, {data.reminded.toLocaleString("en-US")} were reminded and {data.recovered.toLocaleString("en-US")} recovered ({formatPercent(data.detected === 0 ? 0 : data.recovered / data.detected)} of all).
            </Text>
          </Section>
          <Section title="Recovered revenue against discount cost" testId="revenue-cost">
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={revenueAgainstCost(byStage)} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid stroke={chartColors.grid} strokeDasharray="3 3" />
                <XAxis dataKey="label" stroke={chartColors.muted} />
                <YAxis stroke={chartColors.muted} tickFormatter={(value: number) => formatMoneyCompact(value, currency)} />
                <Tooltip formatter={(value: number) => formatMoney(value, currency)} />
                <Legend verticalAlign="top" />
                <Bar dataKey="recoveredRevenue" name="recovered revenue" fill={chartColors.positive} />
                <Bar dataKey="discountCost" name="discount cost" fill={chartColors.negative} />
              </BarChart>
            </ResponsiveContainer>
          </Section>
          <Section title="Offer experiment (A/B)" testId="ab-test">
            {data.byVariant.length === 0 ? (
              <Text size={2} color="default2">
                No experiment configured (Programme settings → Offer experiment).
              </Text>
            ) : (
              <Table head={["Variant", "Reminded", "Recovered", "Rate (95% interval)", "vs reference (95% interval)", "p-value", "Reading"]}>
                {abTestResults(
                  data.byVariant.map((variant) => ({
                    name: variant.name,
                    isReference: variant.isReference,
                    reminded: variant.reminded,
                    recovered: variant.recovered,
                    pValue: variant.pValue ?? null,
                    discountCost: variant.discountCost.amount,
                    recoveredRevenue: variant.recoveredRevenue.amount,
                  })),
                ).map((result) => (
                  <tr key={result.name}>
                    <Cell>
                      {result.name}
                      {result.isReference ? " (reference)" : ""}
                    </Cell>
                    <Cell>{result.reminded}</Cell>
                    <Cell>{result.recovered}</Cell>
                    <Cell>{result.rate === null ? "—" : `${formatPercent(result.rate)} (${result.rateInterval ? `${formatPercent(result.rateInterval.low)}–${formatPercent(result.rateInterval.high)}` : "—"})`}</Cell>
                    <Cell>
                      {result.difference === null
                        ? "—"
                        : `${result.difference >= 0 ? "+" : ""}${formatPercent(result.difference)} (${result.differenceInterval ? `${formatPercent(result.differenceInterval.low)} to ${formatPercent(result.differenceInterval.high)}` : "—"})`}
                    </Cell>
                    <Cell>{result.pValue === null ? "—" : result.pValue.toFixed(4)}</Cell>
                    <Cell>{result.verdict}</Cell>
                  </tr>
                ))}
              </Table>
            )}
          </Section>
        </>
      )}
      <Section title="Abandoned checkouts" testId="abandoned-checkouts">
        <Box display="flex" gap={2} flexWrap="wrap">
          <Select
            label="Status"
            size="small"
            options={[{ value: "all", label: "All" }, ...STATUSES.map((value) => ({ value, label: value.toLowerCase().replace("_", " ") }))]}
            value={{ value: status, label: status === "all" ? "All" : status.toLowerCase().replace("_", " ") }}
            onChange={(option) => {
              if (!option) return;
              setStatus(option.value);
              setAfter(null);
            }}
            __width="200px"
          />
          <Input label="Search e-mail" size="small" value={search} onChange={(event) => { setSearch(event.target.value); setAfter(null); }} />
        </Box>
        {checkouts.fetching && !checkouts.data ? (
          <Loading />
        ) : checkouts.error && !checkouts.data?.abandonedCheckouts ? (
          <ErrorNotice error={checkouts.error} what="abandoned checkouts" />
        ) : (checkouts.data?.abandonedCheckouts?.edges.length ?? 0) === 0 ? (
          <EmptyState title="No abandoned checkouts">Checkouts left with an e-mail and items show up here after the first stage's delay.</EmptyState>
        ) : (
          <>
            <Table head={["Detected", "E-mail", "Total", "Status", "Stage", "Reminders", "Offer", "Next"]}>
              {checkouts.data?.abandonedCheckouts?.edges.map(({ node }) => (
                <tr key={node.id}>
                  <Cell>{formatDateTime(node.detectedAt)}</Cell>
                  <Cell>{node.email}</Cell>
                  <Cell>{formatMoney(node.total.amount, node.total.currency)}</Cell>
                  <Cell>{node.status.toLowerCase().replace("_", " ")}</Cell>
                  <Cell>{node.stage}</Cell>
                  <Cell>{node.remindersSent}</Cell>
                  <Cell>{node.offer ? `${node.offer.code} (${node.offer.status.toLowerCase()})` : "—"}</Cell>
                  <Cell>{formatDateTime(node.nextStageAt)}</Cell>
                </tr>
              ))}
            </Table>
            <Box display="flex" gap={2} alignItems="center">
              <Text size={2} color="default2">
                {checkouts.data?.abandonedCheckouts?.totalCount ?? 0} in all
              </Text>
              {after ? (
                <Button size="small" variant="tertiary" onClick={() => setAfter(null)}>
                  First page
                </Button>
              ) : null}
              {checkouts.data?.abandonedCheckouts?.pageInfo.hasNextPage ? (
                <Button size="small" variant="secondary" onClick={() => setAfter(checkouts.data?.abandonedCheckouts?.pageInfo.endCursor ?? null)}>
                  Next page
                </Button>
              ) : null}
            </Box>
          </>
        )}
      </Section>
    </Box>
  );
}

function FunnelChart({ steps }: { steps: ReturnType<typeof recoveryFunnel> }) {
  return (
    <ResponsiveContainer width="100%" height={56 * steps.length + 40}>
      <BarChart data={steps} layout="vertical" margin={{ top: 8, right: 80, bottom: 8, left: 8 }}>
        <CartesianGrid stroke={chartColors.grid} strokeDasharray="3 3" />
        <XAxis type="number" allowDecimals={false} stroke={chartColors.muted} />
        <YAxis type="category" dataKey="label" width={220} stroke={chartColors.muted} />
        <Tooltip
          formatter={(value: number, _name, item) => {
            const step = item.payload as (typeof steps)[number];
            return [`${value} (${step.shareOfPrevious === null ? "start" : `${formatPercent(step.shareOfPrevious)} of previous`})`, "checkouts"];
          }}
        />
        <Bar dataKey="count" name="checkouts" fill={chartColors.primary} label={{ position: "right" }} />
      </BarChart>
    </ResponsiveContainer>
  );
}
