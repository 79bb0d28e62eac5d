/*
 * The Pareto curve: cumulative share of revenue (y) against the share of customers,
 * best first (x). Two sources give its points:
 *   - the value report asked at several `topPercent`s (what the API has today): each
 *     answer is one exact point (topCustomerCount / customerCount, topShare);
 *   - a list of revenues per customer (exact at every customer).
 * Both end at (0, 0) and (1, 1) and never go down.
 */

export interface ParetoPoint {
  /** Share of customers, 0 … 1, best first. */
  customerShare: number;
  /** Their share of revenue, 0 … 1. */
  revenueShare: number;
}

export interface ValueReportSample {
  customerCount: number;
  topCustomerCount: number;
  topShare: number;
}

function clampShare(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function normalise(points: ParetoPoint[]): ParetoPoint[] {
  const sorted = [...points, { customerShare: 0, revenueShare: 0 }, { customerShare: 1, revenueShare: 1 }]
    .map((point) => ({ customerShare: clampShare(point.customerShare), revenueShare: clampShare(point.revenueShare) }))
    .sort((a, b) => a.customerShare - b.customerShare || a.revenueShare - b.revenueShare);
  const curve: ParetoPoint[] = [];
  for (const point of sorted) {
    const last = curve[curve.length - 1];
    if (last && Math.abs(last.customerShare - point.customerShare) < 1e-9) {
      last.revenueShare = Math.max(last.revenueShare, point.revenueShare);
      continue;
    }
    curve.push({ ...point, revenueShare: Math.max(point.revenueShare, last?.revenueShare ?? 0) });
  }
  return curve;
}

/** Points from value reports asked at several `topPercent`s (one query, aliases). */
export function paretoFromReports(samples: readonly ValueReportSample[]): ParetoPoint[] {
  const usable = samples.filter((sample) => sample.customerCount > 0);
  if (usable.length === 0) {
    return [];
  }
  return normalise(
    usable.map((sample) => ({
      customerShare: sample.topCustomerCount / sample.customerCount,
      revenueShare: sample.topShare,
    })),
  );
}

/** Exact points from every customer's revenue (any order). */
export function paretoFromRevenues(revenues: readonly number[]): ParetoPoint[] {
  const positive = revenues.filter((revenue) => revenue > 0).sort((a, b) => b - a);
  const total = positive.reduce((sum, revenue) => sum + revenue, 0);
  if (positive.length === 0 || total === 0) {
    return [];
  }
  let cumulative = 0;
  const points = positive.map((revenue, index) => {
    cumulative += revenue;
    return { customerShare: (index + 1) / positive.length, revenueShare: cumulative / total };
  });
  return normalise(points);
}

/** Revenue share of the top `customerShare` of customers, read off the curve (linear between points). */
export function revenueShareAt(curve: readonly ParetoPoint[], customerShare: number): number | null {
  if (curve.length === 0) {
    return null;
  }
  const x = clampShare(customerShare);
  for (let index = 1; index < curve.length; index++) {
    const left = curve[index - 1] as ParetoPoint;
    const right = curve[index] as ParetoPoint;
    if (x <= right.customerShare) {
      const span = right.customerShare - left.customerShare;
      const t = span === 0 ? 1 : (x - left.customerShare) / span;
      return left.revenueShare + t * (right.revenueShare - left.revenueShare);
    }
  }
  return curve[curve.length - 1]?.revenueShare ?? null;
}

/** The share of customers that brings `revenueShare` of revenue (e.g. "20 % bring 80 %"). */
export function customerShareFor(curve: readonly ParetoPoint[], revenueShare: number): number | null {
  if (curve.length === 0) {
    return null;
  }
  const y = clampShare(revenueShare);
  for (let index = 1; index < curve.length; index++) {
    const left = curve[index - 1] as ParetoPoint;
    const right = curve[index] as ParetoPoint;
    if (y <= right.revenueShare) {
      const rise = right.revenueShare - left.revenueShare;
      const t = rise === 0 ? 0 : (y - left.revenueShare) / rise;
      return left.customerShare + t * (right.customerShare - left.customerShare);
    }
  }
  return 1;
}

/** The `topPercent`s the Top customers tab asks the value report for. */
export const PARETO_SAMPLE_PERCENTS = [1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90] as const;

/** Chart rows in percent, for recharts. */
export function paretoChartData(curve: readonly ParetoPoint[]): { customers: number; revenue: number; equality: number }[] {
  return curve.map((point) => ({
    customers: Math.round(point.customerShare * 1000) / 10,
    revenue: Math.round(point.revenueShare * 1000) / 10,
    equality: Math.round(point.customerShare * 1000) / 10,
  }));
}
