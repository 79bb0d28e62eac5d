import { Box, Text } from "@saleor/macaw-ui-next";
import { Line, LineChart, Tooltip, YAxis } from "recharts";

import { chartColors } from "../ui/chart-colors";
import type { SegmentTrend } from "./segment-trend";

/** A list cell: the members line of the last days and the change in words. */
export function TrendSparkline({ trend, testId }: { trend: SegmentTrend; testId?: string }) {
  return (
    <Box display="flex" alignItems="center" gap={2} data-testid={testId}>
      {trend.points.length > 1 ? (
        <LineChart width={120} height={32} data={trend.points} margin={{ top: 4, right: 2, bottom: 4, left: 2 }}>
          <YAxis hide domain={["dataMin", "dataMax"]} />
          <Tooltip formatter={(value: number) => [value.toLocaleString("en-US"), "members"]} labelFormatter={(_label, payload) => payload[0]?.payload?.date ?? ""} />
          <Line type="monotone" dataKey="members" stroke={trend.change < 0 ? chartColors.negative : chartColors.primary} strokeWidth={1.5} dot={false} isAnimationActive={false} />
        </LineChart>
      ) : null}
      <Text size={1} color="default2">
        {trend.text}
      </Text>
    </Box>
  );
}
