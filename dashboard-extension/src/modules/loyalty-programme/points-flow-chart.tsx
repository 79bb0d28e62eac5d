import { Bar, CartesianGrid, ComposedChart, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { formatMoney, formatMoneyCompact } from "../money/format-money";
import { chartColors } from "../ui/chart-colors";
import type { PointsFlowRow } from "./points-flow";

const points = (value: number) => Math.abs(value).toLocaleString("en-US");

/** The liability at each bucket's end, in the channel's currency. */
export function LiabilityChart({ rows, currency }: { rows: readonly PointsFlowRow[]; currency: string }) {
  return (
    <ResponsiveContainer width="100%" height={240}>
      <LineChart data={[...rows]} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid stroke={chartColors.grid} strokeDasharray="3 3" />
        <XAxis dataKey="label" stroke={chartColors.muted} />
        <YAxis stroke={chartColors.muted} tickFormatter={(value: number) => formatMoneyCompact(value, currency)} />
        <Tooltip
          formatter={(value: number, _name, item) => [
            `${formatMoney(value, currency)} (${(item.payload as PointsFlowRow).liabilityPoints.toLocaleString("en-US")} pt)`,
            "liability",
          ]}
        />
        <Line dataKey="liability" name={`liability (${currency})`} stroke={chartColors.warning} strokeWidth={2} dot={rows.length <= 31} />
      </LineChart>
    </ResponsiveContainer>
  );
}

/** Points issued (and positive adjustments) above the axis; redeemed / expired / reversed (and negative adjustments) below. */
export function PointsFlowChart({ rows }: { rows: readonly PointsFlowRow[] }) {
  return (
    <ResponsiveContainer width="100%" height={320}>
      <ComposedChart data={[...rows]} stackOffset="sign" margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid stroke={chartColors.grid} strokeDasharray="3 3" />
        <XAxis dataKey="label" stroke={chartColors.muted} />
        <YAxis stroke={chartColors.muted} />
        <ReferenceLine y={0} stroke={chartColors.muted} />
        <Tooltip formatter={(value: number, name) => [name === "adjusted" ? value.toLocaleString("en-US") : points(value), name]} />
        <Legend verticalAlign="top" />
        <Bar dataKey="issued" name="issued" stackId="flow" fill={chartColors.positive} />
        <Bar dataKey="adjusted" name="adjusted" stackId="flow" fill={chartColors.info} />
        <Bar dataKey="redeemed" name="redeemed" stackId="flow" fill={chartColors.primary} />
        <Bar dataKey="expired" name="expired" stackId="flow" fill={chartColors.muted} />
        <Bar dataKey="reversed" name="reversed" stackId="flow" fill={chartColors.negative} />
        <Line dataKey="net" name="net" stroke={chartColors.text} strokeWidth={1} dot={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
