import { describe, expect, it } from "vitest";

import { segmentTrend } from "./segment-trend";

const day = (date: string, memberCount: number) => ({ date, memberCount });

describe("segment trend", () => {
  it("turns the daily counts into points and the change over the period", () => {
    const trend = segmentTrend([day("2026-11-18", 1000), day("2026-11-19", 1004), day("2026-11-20", 2250)]);
    expect(trend.points).toEqual([
      { date: "2026-11-18", members: 1000 },
      { date: "2026-11-19", members: 1004 },
      { date: "2026-11-20", members: 2250 },
    ]);
    expect([trend.change, trend.text]).toEqual([1250, "+1,250 in 3 days"]);
  });

  it("says when members left, nothing changed, or there is no history", () => {
    expect(segmentTrend([day("2026-11-19", 5), day("2026-11-20", 2)]).text).toBe("−3 in 2 days");
    expect(segmentTrend([day("2026-11-20", 7)]).text).toBe("no change in 1 day");
    expect(segmentTrend([])).toEqual({ points: [], change: 0, text: "—" });
  });
});
