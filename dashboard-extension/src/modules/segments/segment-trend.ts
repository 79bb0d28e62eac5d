/*
 * A segment's trend for the list: members at the end of each day (memberCountHistory,
 * oldest first) as sparkline points, and the change over the period in words.
 */

export interface DailyCount {
  date: string;
  memberCount: number;
}

export interface SegmentTrend {
  points: { date: string; members: number }[];
  /** Last day's members minus the first day's. */
  change: number;
  /** "+12 in 30 days", "−3 in 7 days", "no change in 30 days"; "—" without history. */
  text: string;
}

export function segmentTrend(history: readonly DailyCount[]): SegmentTrend {
  const points = history.map((day) => ({ date: day.date, members: day.memberCount }));
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last) return { points, change: 0, text: "—" };
  const change = last.members - first.members;
  const days = `${points.length} ${points.length === 1 ? "day" : "days"}`;
  const amount = Math.abs(change).toLocaleString("en-US");
  const text = change === 0 ? `no change in ${days}` : `${change > 0 ? "+" : "−"}${amount} in ${days}`;
  return { points, change, text };
}
