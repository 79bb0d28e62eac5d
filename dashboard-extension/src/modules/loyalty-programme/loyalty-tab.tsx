import { Box, Text } from "@saleor/macaw-ui-next";
import { Bar, BarChart, CartesianGrid, Cell as BarCell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import type { ChannelChoice } from "../channels/use-channel";
import { formatMoney, formatPercent } from "../money/format-money";
import { chartColors } from "../ui/chart-colors";
import { Cell, Section, Stat, StatRow, Table } from "../ui/layout";
import { EmptyState, ErrorNotice, InactiveProgramme, Loading } from "../ui/states";
import { tierDistribution } from "./points-flow";
import { useLoyaltyProgramme } from "./use-loyalty-programme";

export function LoyaltyTab({ channel }: { channel: ChannelChoice }) {
  const { overview, tierCounts } = useLoyaltyProgramme(channel.slug);
  if (overview.fetching && !overview.data) return <Loading lines={6} />;
  if (overview.error && !overview.data?.loyaltyProgram) return <ErrorNotice error={overview.error} what="the loyalty programme" />;
  const program = overview.data?.loyaltyProgram;
  if (!program) return <EmptyState title="Unknown channel" />;
  const accounts = overview.data?.all?.totalCount ?? 0;
  const earners = overview.data?.topEarners?.edges.map((edge) => edge.node) ?? [];
  const distribution = tierCounts ? tierDistribution(program.tiers, tierCounts, accounts) : null;

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
      <Section title="Points liability and flow" testId="points-flow">
        <EmptyState title="Waiting for the loyaltyReport API">
          Liability over time and points issued / redeemed / expired / reversed per month need the loyaltyReport query, which the API does not have yet. The charts are ready for it (loyalty-report.pending.graphql).
        </EmptyState>
      </Section>
      <Section title="Tier distribution" testId="tier-distribution">
        {program.tiers.length === 0 ? (
          <Text size={2} color="default2">
            No tiers configured (Programme settings → Tiers).
          </Text>
        ) : !distribution ? (
          <Loading lines={3} />
        ) : accounts === 0 ? (
          <Text size={2} color="default2">
            No accounts yet.
          </Text>
        ) : (
          <Box __height="240px">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={distribution} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid stroke={chartColors.grid} strokeDasharray="3 3" />
                <XAxis dataKey="tier" stroke={chartColors.muted} />
                <YAxis allowDecimals={false} stroke={chartColors.muted} />
                <Tooltip formatter={(value: number, _name, item) => [`${value.toLocaleString("en-US")} (${formatPercent((item.payload as { share: number }).share)})`, "customers"]} />
                <Bar dataKey="customerCount" name="customers">
                  {distribution.map((row) => (
                    <BarCell key={row.tier} fill={row.tier === "No tier" ? chartColors.muted : chartColors.primary} />
                  ))}
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </Box>
        )}
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
