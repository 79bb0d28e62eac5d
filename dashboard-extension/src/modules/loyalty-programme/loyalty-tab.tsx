import { Box, Select, Text } from "@saleor/macaw-ui-next";
import { useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Cell as BarCell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import type { LoyaltyReportQuery } from "../../generated/graphql";
import type { ChannelChoice } from "../channels/use-channel";
import { formatMoney, formatPercent } from "../money/format-money";
import { chartColors } from "../ui/chart-colors";
import { Cell, Section, Stat, StatRow, Table } from "../ui/layout";
import { EmptyState, ErrorNotice, InactiveProgramme, Loading } from "../ui/states";
import { LiabilityChart, PointsFlowChart } from "./points-flow-chart";
import { type BucketUnit, NO_TIER, currentLiability, fittingUnit, flowTotals, pointsFlowRows, tierDistribution, tooManyBuckets } from "./points-flow";
import { useLoyaltyProgramme } from "./use-loyalty-programme";

const PERIODS = [
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
  { value: "365", label: "Last 12 months" },
  { value: "730", label: "Last 2 years" },
  { value: "1825", label: "Last 5 years" },
];
const UNITS: { value: BucketUnit; label: string }[] = [
  { value: "MONTH", label: "By month" },
  { value: "WEEK", label: "By week" },
  { value: "DAY", label: "By day" },
];

type Report = NonNullable<LoyaltyReportQuery["loyaltyReport"]>;

export function LoyaltyTab({ channel }: { channel: ChannelChoice }) {
  const [period, setPeriod] = useState("365");
  const [chosenUnit, setChosenUnit] = useState<BucketUnit>("MONTH");
  const days = Number(period);
  // A period too long for daily (or weekly) buckets is shown in the next longer unit that fits.
  const unit = fittingUnit(days, chosenUnit);
  const units = UNITS.filter((option) => !tooManyBuckets(days, option.value));
  const { overview, report } = useLoyaltyProgramme(channel.slug, { days, unit });

  if (overview.fetching && !overview.data) return <Loading lines={6} />;
  if (overview.error && !overview.data?.loyaltyProgram) return <ErrorNotice error={overview.error} what="the loyalty programme" />;
  const program = overview.data?.loyaltyProgram;
  if (!program) return <EmptyState title="Unknown channel" />;
  const accounts = overview.data?.all?.totalCount ?? 0;
  const earners = overview.data?.topEarners?.edges.map((edge) => edge.node) ?? [];
  const data = report.data?.loyaltyReport;
  const reportState =
    report.fetching && !report.data ? (
      <Loading lines={4} />
    ) : report.error && !data ? (
      <ErrorNotice error={report.error} what="the loyalty report" />
    ) : !data ? (
      <EmptyState title="Unknown channel" />
    ) : null;

  return (
    <Box display="flex" flexDirection="column" gap={6}>
      {!program.isActive ? <InactiveProgramme channel={channel.name} /> : null}
      <Section title="Programme" testId="programme">
        <StatRow>
          <Stat label="Earning" value={`${program.earnPoints} pt / ${formatMoney(program.earnAmount.amount, program.earnAmount.currency)}`} />
          <Stat label="Value of a point" value={formatMoney(program.pointValue.amount, program.pointValue.currency)} />
          <Stat label="Pending for" value={`${program.pendingDays} days`} />
          <Stat label="Expiry" value={program.expiryDays === null ? "never" : `${program.expiryDays} days`} />
          <Stat label="Accounts" value={accounts.toLocaleString("en-US")} testId="accounts" />
        </StatRow>
      </Section>
      <Box display="flex" gap={3} flexWrap="wrap" data-testid="report-controls">
        <Select label="Period" size="small" options={PERIODS} value={PERIODS.find((option) => option.value === period) ?? null} onChange={(option) => option && setPeriod(option.value)} __width="200px" />
        <Select
          label="Bucket"
          size="small"
          options={units}
          value={units.find((option) => option.value === unit) ?? null}
          onChange={(option) => option && setChosenUnit(option.value as BucketUnit)}
          __width="160px"
        />
      </Box>
      <Section title="Points liability and flow" testId="points-flow">
        {reportState ?? <PointsFlow report={data!} />}
      </Section>
      <Section title="Tier distribution" testId="tier-distribution">
        {reportState ?? <TierDistribution report={data!} configuredTiers={program.tiers.length} />}
      </Section>
      <Section title="Top earners" testId="top-earners">
        {earners.length === 0 ? (
          <Text size={2} color="default2">
            Nobody has earned points in {channel.name} yet.
          </Text>
        ) : (
          <Table head={["Customer", "Lifetime points", "Balance", "Pending", "Tier"]}>
            {earners.map((account) => (
              <tr key={account.user.id}>
                <Cell>{account.user.email}</Cell>
                <Cell>{account.lifetimePoints.toLocaleString("en-US")}</Cell>
                <Cell>{account.balance.toLocaleString("en-US")}</Cell>
                <Cell>{account.pending.toLocaleString("en-US")}</Cell>
                <Cell>{account.tier?.name ?? "—"}</Cell>
              </tr>
            ))}
          </Table>
        )}
      </Section>
    </Box>
  );
}

function PointsFlow({ report }: { report: Report }) {
  const rows = useMemo(() => pointsFlowRows(report.buckets, report.currency, report.unit), [report]);
  const totals = flowTotals(report.buckets);
  const latest = currentLiability(report.buckets);
  const moved = report.buckets.some((bucket) => bucket.issued || bucket.adjusted || bucket.redeemed || bucket.expired || bucket.reversed || bucket.liabilityPoints);
  if (!moved) {
    return (
      <EmptyState title="No points in this period">
        Nobody earned, spent or held points in this period. Points appear here once customers earn them on paid orders or as bonuses.
      </EmptyState>
    );
  }
  const n = (value: number) => value.toLocaleString("en-US");
  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <StatRow>
        <Stat
          label="Liability now"
          value={latest ? formatMoney(latest.liability.amount, report.currency) : "—"}
          hint={latest ? `${n(latest.liabilityPoints)} pt` : undefined}
          testId="liability"
        />
        <Stat label="Issued" value={n(totals.issued)} testId="issued" />
        <Stat label="Redeemed" value={n(totals.redeemed)} hint={totals.redemptionRate === null ? undefined : `${formatPercent(totals.redemptionRate)} of issued`} testId="redeemed" />
        <Stat label="Expired" value={n(totals.expired)} />
        <Stat label="Reversed" value={n(totals.reversed)} />
        <Stat label="Adjusted" value={`${totals.adjusted > 0 ? "+" : ""}${n(totals.adjusted)}`} testId="adjusted" />
      </StatRow>
      <Text size={3} fontWeight="bold">
        Liability ({report.currency})
      </Text>
      <LiabilityChart rows={rows} currency={report.currency} />
      <Text size={3} fontWeight="bold">
        Points per {report.unit.toLowerCase()}
      </Text>
      <PointsFlowChart rows={rows} />
      <details>
        <summary>
          <Text size={2} color="default2">
            Figures per {report.unit.toLowerCase()}
          </Text>
        </summary>
        <Table head={["Bucket", "Issued", "Adjusted", "Redeemed", "Expired", "Reversed", "Liability (pt)", `Liability (${report.currency})`]} testId="points-flow-table">
          {rows.map((row) => (
            <tr key={row.start}>
              <Cell>{row.label}</Cell>
              <Cell>{n(row.issued)}</Cell>
              <Cell>{n(row.adjusted)}</Cell>
              <Cell>{n(Math.abs(row.redeemed))}</Cell>
              <Cell>{n(Math.abs(row.expired))}</Cell>
              <Cell>{n(Math.abs(row.reversed))}</Cell>
              <Cell>{n(row.liabilityPoints)}</Cell>
              <Cell>{formatMoney(row.liability, report.currency)}</Cell>
            </tr>
          ))}
        </Table>
      </details>
    </Box>
  );
}

function TierDistribution({ report, configuredTiers }: { report: Report; configuredTiers: number }) {
  const distribution = tierDistribution(report.tiers);
  const total = distribution.reduce((sum, row) => sum + row.customerCount, 0);
  if (configuredTiers === 0 && distribution.every((row) => row.tier === NO_TIER)) {
    return (
      <Text size={2} color="default2">
        No tiers configured (Programme settings → Tiers).
      </Text>
    );
  }
  if (total === 0) {
    return (
      <Text size={2} color="default2">
        No accounts yet.
      </Text>
    );
  }
  return (
    <Box display="flex" flexDirection="column" gap={3}>
      <Box __height="240px">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={distribution} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid stroke={chartColors.grid} strokeDasharray="3 3" />
            <XAxis dataKey="tier" stroke={chartColors.muted} />
            <YAxis allowDecimals={false} stroke={chartColors.muted} />
            <Tooltip formatter={(value: number, _name, item) => [`${value.toLocaleString("en-US")} (${formatPercent((item.payload as { share: number }).share)})`, "customers"]} />
            <Bar dataKey="customerCount" name="customers">
              {distribution.map((row) => (
                <BarCell key={row.tier} fill={row.tier === NO_TIER ? chartColors.muted : chartColors.primary} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </Box>
      <Table head={["Tier", "Accounts", "Share"]} testId="tier-table">
        {distribution.map((row) => (
          <tr key={row.tier}>
            <Cell>{row.tier}</Cell>
            <Cell>{row.customerCount.toLocaleString("en-US")}</Cell>
            <Cell>{formatPercent(row.share)}</Cell>
          </tr>
        ))}
      </Table>
    </Box>
  );
}
