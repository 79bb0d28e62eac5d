/*
 * Loyalty programme charts: points issued / redeemed / expired / reversed per bucket
 * (outflows drawn below zero), the liability line in the channel's currency, and the
 * tier distribution.
 */

import { roundToCurrency } from "../money/format-money";

/** One bucket of the pending `loyaltyReport` (docs/dashboard.md). */
export interface PointsBucket {
  start: string;
  issued: number;
  redeemed: number;
  expired: number;
  reversed: number;
  /** Outstanding points (available + pending) at the bucket's end. */
  liabilityPoints: number;
  /** The same in money, if the API gives it. */
  liability?: { amount: number; currency: string } | null;
}

export interface PointsFlowRow {
  label: string;
  start: string;
  issued: number;
  redeemed: number;
  expired: number;
  reversed: number;
  net: number;
  liabilityPoints: number;
  liability: number;
}

export function bucketLabel(start: string, locale = "en-US"): string {
  return new Intl.DateTimeFormat(locale, { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(start));
}

/** Points × point value, rounded to the currency's decimals. */
export function pointsToMoney(points: number, pointValue: number, currency: string): number {
  return roundToCurrency(points * pointValue, currency);
}

/** An outflow drawn below the axis (0 stays 0, not -0). */
function below(points: number): number {
  return points === 0 ? 0 : -Math.abs(points);
}

export function pointsFlowRows(
  buckets: readonly PointsBucket[],
  program: { pointValue: number; currency: string },
  locale = "en-US",
): PointsFlowRow[] {
  return [...buckets]
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((bucket) => ({
      label: bucketLabel(bucket.start, locale),
      start: bucket.start,
      issued: bucket.issued,
      // Outflows are negative so a stacked bar shows them below the axis.
      redeemed: below(bucket.redeemed),
      expired: below(bucket.expired),
      reversed: below(bucket.reversed),
      net: bucket.issued - Math.abs(bucket.redeemed) - Math.abs(bucket.expired) - Math.abs(bucket.reversed),
      liabilityPoints: bucket.liabilityPoints,
      liability: bucket.liability
        ? roundToCurrency(bucket.liability.amount, program.currency)
        : pointsToMoney(bucket.liabilityPoints, program.pointValue, program.currency),
    }));
}

export interface FlowTotals {
  issued: number;
  redeemed: number;
  expired: number;
  reversed: number;
  redemptionRate: number | null;
}

export function flowTotals(buckets: readonly PointsBucket[]): FlowTotals {
  const sum = (pick: (bucket: PointsBucket) => number) => buckets.reduce((total, bucket) => total + Math.abs(pick(bucket)), 0);
  const issued = sum((bucket) => bucket.issued);
  const redeemed = sum((bucket) => bucket.redeemed);
  return {
    issued,
    redeemed,
    expired: sum((bucket) => bucket.expired),
    reversed: sum((bucket) => bucket.reversed),
    redemptionRate: issued === 0 ? null : redeemed / issued,
  };
}

export interface TierShare {
  tier: string;
  customerCount: number;
  share: number;
}

/**
 * Customers per tier, lowest threshold first, then those below the first tier.
 * `totalAccounts` is every account of the channel; what no tier holds is "No tier".
 */
export function tierDistribution(
  tiers: readonly { name: string; threshold: number }[],
  countsByTier: Readonly<Record<string, number>>,
  totalAccounts: number,
): TierShare[] {
  const ordered = [...tiers].sort((a, b) => a.threshold - b.threshold);
  const inTiers = ordered.reduce((sum, tier) => sum + (countsByTier[tier.name] ?? 0), 0);
  const rows = [
    { tier: "No tier", customerCount: Math.max(0, totalAccounts - inTiers) },
    ...ordered.map((tier) => ({ tier: tier.name, customerCount: countsByTier[tier.name] ?? 0 })),
  ];
  const total = rows.reduce((sum, row) => sum + row.customerCount, 0);
  return rows.map((row) => ({ ...row, share: total === 0 ? 0 : row.customerCount / total }));
}
