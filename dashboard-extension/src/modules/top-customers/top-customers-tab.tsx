import { Box, Input, Text } from "@saleor/macaw-ui-next";
import { useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import type { ChannelChoice } from "../channels/use-channel";
import { formatMoney, formatPercent } from "../money/format-money";
import { RFM_GROUPS } from "../segments/condition-fields";
import { serializeDefinition } from "../segments/condition-tree";
import { chartColors } from "../ui/chart-colors";
import { formatDateTime } from "../ui/dates";
import { Cell, Section, Stat, StatRow, Table } from "../ui/layout";
import { EmptyState, ErrorNotice, Loading } from "../ui/states";
import { useDebouncedValue } from "../ui/use-debounced-value";
import { type ValueReportSample, customerShareFor, paretoChartData, paretoFromReports } from "./pareto";
import { type RfmCell, rfmCellDefinition, rfmGrid } from "./rfm-grid";
import { useTopCustomers } from "./use-top-customers";

const SAMPLE_KEYS = ["p1", "p5", "p10", "p20", "p30", "p40", "p50", "p60", "p70", "p80", "p90"] as const;

export function TopCustomersTab({ channel, openSegmentBuilder }: { channel: ChannelChoice; openSegmentBuilder: (definition: string) => void }) {
  const [percentText, setPercentText] = useState("20");
  const parsed = Number(percentText);
  const percent = useDebouncedValue(Number.isFinite(parsed) && parsed > 0 && parsed <= 100 ? parsed : 20, 400);
  const { report, rfm } = useTopCustomers(channel.slug, percent);

  if (report.fetching && !report.data) return <Loading lines={6} />;
  if (report.error && !report.data?.main) return <ErrorNotice error={report.error} what="the top customers" />;
  const main = report.data?.main;
  if (!main) return <EmptyState title="Unknown channel" />;
  if (main.customerCount === 0) {
    return <EmptyState title={`No paying customers in ${channel.name} yet`}>The Pareto curve and RFM grid appear once customers have paid orders here.</EmptyState>;
  }
  const samples: ValueReportSample[] = [...SAMPLE_KEYS.map((key) => report.data?.[key]).filter((sample): sample is ValueReportSample => !!sample), main];
  const curve = paretoFromReports(samples);
  const eighty = customerShareFor(curve, 0.8);
  const grid = rfm.data?.customerRfmGrid;

  return (
    <Box display="flex" flexDirection="column" gap={6}>
      <Section title="Revenue concentration (Pareto)" testId="pareto">
        <StatRow>
          <Stat label={`Top ${percent}% of customers`} value={formatPercent(main.topShare)} hint={`${main.topCustomerCount.toLocaleString("en-US")} ${main.topCustomerCount === 1 ? "customer brings" : "customers bring"} ${formatMoney(main.topRevenue.amount, main.currency)}`} testId="top-share" />
          <Stat label="Customers with orders" value={main.customerCount.toLocaleString("en-US")} />
          <Stat label="Revenue" value={formatMoney(main.totalRevenue.amount, main.currency)} />
          <Stat label="80% of revenue from" value={eighty === null ? "—" : formatPercent(eighty)} hint="of customers" />
        </StatRow>
        <Input label="Top share (%)" size="small" value={percentText} onChange={(event) => setPercentText(event.target.value)} __width="160px" />
        <Box __height="320px">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={paretoChartData(curve)} margin={{ top: 8, right: 16, bottom: 16, left: 0 }}>
              <CartesianGrid stroke={chartColors.grid} strokeDasharray="3 3" />
              <XAxis dataKey="customers" type="number" domain={[0, 100]} unit="%" stroke={chartColors.muted} label={{ value: "customers, best first", position: "insideBottom", offset: -8 }} />
              <YAxis type="number" domain={[0, 100]} unit="%" stroke={chartColors.muted} />
              <Tooltip formatter={(value: number) => `${value}%`} />
              <Legend verticalAlign="top" />
              <ReferenceLine x={percent} stroke={chartColors.warning} strokeDasharray="4 4" label={`top ${percent}%`} />
              <Line type="monotone" dataKey="revenue" name="share of revenue" stroke={chartColors.primary} strokeWidth={2} dot />
              <Line type="linear" dataKey="equality" name="if all spent alike" stroke={chartColors.muted} strokeDasharray="2 4" dot={false} />
            </LineChart>
          </ResponsiveContainer>
        </Box>
        <Table head={["Customer", "Revenue", "Orders"]} testId="top-customers">
          {main.topCustomers.map((row) => (
            <tr key={row.user.id}>
              <Cell>{row.user.email}</Cell>
              <Cell>{formatMoney(row.revenue.amount, row.revenue.currency)}</Cell>
              <Cell>{row.orderCount}</Cell>
            </tr>
          ))}
        </Table>
      </Section>
      <Section title="RFM grid" testId="rfm-grid">
        {rfm.fetching && !rfm.data ? (
          <Loading lines={4} />
        ) : rfm.error && !grid ? (
          <ErrorNotice error={rfm.error} what="the RFM grid" />
        ) : !grid?.computedAt ? (
          <EmptyState title="Not scored yet">RFM scores are computed daily; the grid fills in after the next run.</EmptyState>
        ) : (
          <RfmHeatMap cells={rfmGrid(grid.cells)} currency={main.currency} computedAt={grid.computedAt} onOpen={(cell) => openSegmentBuilder(serializeDefinition(rfmCellDefinition(cell)))} />
        )}
      </Section>
    </Box>
  );
}

/** Light text on the darker cells, the page's text on the pale ones. */
function textColor(intensity: number) {
  return intensity >= 0.5 ? ("buttonDefaultPrimary" as const) : ("default1" as const);
}

function RfmHeatMap({ cells, currency, computedAt, onOpen }: { cells: readonly RfmCell[]; currency: string; computedAt: string; onOpen: (cell: RfmCell) => void }) {
  const label = (slug: string) => RFM_GROUPS.find((group) => group.slug === slug)?.label ?? slug;
  return (
    <Box display="flex" flexDirection="column" gap={2}>
      <Box display="grid" gap={1} __gridTemplateColumns="80px repeat(5, 1fr)">
        {[5, 4, 3, 2, 1].map((recency) => (
          <Box key={recency} display="contents">
            <Text size={2} color="default2">
              R {recency}
            </Text>
            {cells
              .filter((cell) => cell.recency === recency)
              .map((cell) => (
                <Box
                  key={`${cell.recency}-${cell.fm}`}
                  as="button"
                  type="button"
                  position="relative"
                  padding={2}
                  borderRadius={2}
                  borderWidth={0}
                  cursor="pointer"
                  textAlign="left"
                  backgroundColor="default1"
                  title={`${label(cell.group)}, R ${cell.recency} · FM ${cell.fm}: open these customers in the segment builder`}
                  onClick={() => onOpen(cell)}
                  data-testid={`rfm-cell-${cell.recency}-${cell.fm}`}
                >
                  {/* The shade alone fades with the cell's share; the text stays readable. */}
                  <Box position="absolute" borderRadius={2} backgroundColor="accent1" __inset={0} __opacity={0.15 + 0.85 * cell.intensity} />
                  <Box position="relative">
                    <Text size={1} color={textColor(cell.intensity)}>
                      {label(cell.group)}
                    </Text>
                    <Text size={3} fontWeight="bold" color={textColor(cell.intensity)} display="block">
                      {cell.customerCount.toLocaleString("en-US")}
                    </Text>
                    <Text size={1} color={textColor(cell.intensity)} display="block" data-testid={`rfm-revenue-${cell.recency}-${cell.fm}`}>
                      {formatMoney(cell.revenue, currency)}
                    </Text>
                  </Box>
                </Box>
              ))}
          </Box>
        ))}
        <Box />
        {[1, 2, 3, 4, 5].map((fm) => (
          <Text key={fm} size={2} color="default2">
            FM {fm}
          </Text>
        ))}
      </Box>
      <Text size={1} color="default2">
        Rows: recency (5 = most recent). Columns: frequency and money. Each cell shows its customers and their revenue as scored {formatDateTime(computedAt)}; click a cell to open exactly its customers in the segment builder.
      </Text>
    </Box>
  );
}
