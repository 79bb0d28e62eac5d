import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

import { formatMoneyCompact } from "../money/format-money";
import { chartColors } from "../ui/chart-colors";
import type { PointsFlowRow } from "./points-flow";

/** Points issued above the axis, redeemed / expired / reversed below, liability as a line (right axis, money). */
export function PointsFlowChart({ rows, currency }: { rows: readonly PointsFlowRow[]; currency: string }) {
  return (
    <ResponsiveContainer width="100%" height={320}>
      <ComposedChart data={[...rows]} stackOffset="sign" margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid stroke={chartColors.grid} strokeDasharray="3 3" />
        <XAxis dataKey="label" stroke={chartColors.muted} />
        <YAxis yAxisId="points" stroke={chartColors.muted} />
        <YAxis yAxisId="money" orientation="right" stroke={chartColors.muted} tickFormatter={(value: number) => formatMoneyCompact(value, currency)} />
        <Tooltip />
        <Legend verticalAlign="top" />
        <Bar yAxisId="points" dataKey="issued" name="issued" stackId="flow" fill={chartColors.positive} />
        <Bar yAxisId="points" dataKey="redeemed" name="redeemed" stackId="flow" fill={chartColors.primary} />
        <Bar yAxisId="points" dataKey="expired" name="expired" stackId="flow" fill={chartColors.muted} />
        <Bar yAxisId="points" dataKey="reversed" name="reversed" stackId="flow" fill={chartColors.negative} />
        <Line yAxisId="money" dataKey="liability" name={`liability (${currency})`} stroke={chartColors.warning} strokeWidth={2} dot={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
