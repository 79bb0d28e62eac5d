/*
 * Loyalty programme charts, from `loyaltyReport` (docs/graphql-staff.md, "The programme
 * over time"): points issued / adjusted / redeemed / expired / reversed per bucket
 * (outflows drawn below zero), the liability line in the channel's currency, and the
 * tier distribution. Pure functions: the tab only draws what they return.
 */

import type { LoyaltyReportBucketUnitEnum } from "../../generated/graphql";
import { roundToCurrency } from "../money/format-money";

export type BucketUnit = LoyaltyReportBucketUnitEnum;

/** One bucket of `loyaltyReport`. */
export interface PointsBucket {
  /** Start of the bucket, UTC. */
  start: string;
  /** Earned or given as bonuses (pending included). */
  issued: number;
  /** Staff adjustments, signed. */
  adjusted: number;
  /** Spent at checkout, net of released reservations. */
  redeemed: number;
  expired: number;
  reversed: number;
  /** Points customers could spend at the bucket's end. */
  liabilityPoints: number;
  /** The same in the channel's currency. */
  liability: { amount: number; currency: string };
}

export interface PointsFlowRow {
  label: string;
  start: string;
  issued: number;
  adjusted: number;
  redeemed: number;
  expired: number;
  reversed: number;
  net: number;
  liabilityPoints: number;
  liability: number;
}

/** "Jan 2026" for months, "Jan 5, 2026" for weeks and days (UTC, as the API buckets). */
export function bucketLabel(start: string, unit: BucketUnit = "MONTH", locale = "en-US"): string {
  const options: Intl.DateTimeFormatOptions =
    unit === "MONTH" ? { month: "short", year: "numeric", timeZone: "UTC" } : { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" };
  return new Intl.DateTimeFormat(locale, options).format(new Date(start));
}

/** An outflow drawn below the axis (0 stays 0, not -0). */
function below(points: number): number {
  return points === 0 ? 0 : -Math.abs(points);
}

export function pointsFlowRows(buckets: readonly PointsBucket[], currency: string, unit: BucketUnit = "MONTH", locale = "en-US"): PointsFlowRow[] {
  return [...buckets]
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((bucket) => ({
      label: bucketLabel(bucket.start, unit, locale),
      start: bucket.start,
      issued: bucket.issued,
      // Signed: positive adjustments stack above the axis, negative ones below.
      adjusted: bucket.adjusted,
      // Outflows are negative so a stacked bar shows them below the axis.
      redeemed: below(bucket.redeemed),
      expired: below(bucket.expired),
      reversed: below(bucket.reversed),
      net: bucket.issued + bucket.adjusted - Math.abs(bucket.redeemed) - Math.abs(bucket.expired) - Math.abs(bucket.reversed),
      liabilityPoints: bucket.liabilityPoints,
      liability: roundToCurrency(bucket.liability.amount, currency),
    }));
}

export interface FlowTotals {
  issued: number;
  adjusted: number;
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
    adjusted: buckets.reduce((total, bucket) => total + bucket.adjusted, 0),
    redeemed,
    expired: sum((bucket) => bucket.expired),
    reversed: sum((bucket) => bucket.reversed),
    redemptionRate: issued === 0 ? null : redeemed / issued,
  };
}

/** The latest bucket's liability (the API's last figure equals the accounts' balances). */
export function currentLiability(buckets: readonly PointsBucket[]): PointsBucket | null {
  return buckets.reduce<PointsBucket | null>((latest, bucket) => (latest === null || bucket.start > latest.start ? bucket : latest), null);
}

export const NO_TIER = "No tier";

export interface TierShare {
  tier: string;
  customerCount: number;
  share: number;
}

/**
 * Accounts per tier as `loyaltyReport.tiers` gives them: the programme's order, below the
 * first tier (`""`) shown as "No tier", tiers no longer configured last.
 */
export function tierDistribution(tiers: readonly { tier: string; accounts: number }[]): TierShare[] {
  const total = tiers.reduce((sum, row) => sum + row.accounts, 0);
  return tiers.map((row) => ({
    tier: row.tier === "" ? NO_TIER : row.tier,
    customerCount: row.accounts,
    share: total === 0 ? 0 : row.accounts / total,
  }));
}

export const MAX_BUCKETS = 400;

/** How many buckets the API counts for a period of `days` (the same upper bound it checks). */
export function bucketCount(days: number, unit: BucketUnit): number {
  const span = days + 1;
  return unit === "DAY" ? span : unit === "WEEK" ? Math.floor(span / 7) + 2 : Math.floor(span / 28) + 2;
}

/** Whether the API would refuse the period in `unit` buckets (more than 400). */
export function tooManyBuckets(days: number, unit: BucketUnit): boolean {
  return bucketCount(days, unit) > MAX_BUCKETS;
}

/** The report's period: from `days` ago, on a whole hour so the query (and its cache key) stays put. */
export function reportPeriod(days: number, now = new Date()): { gte: string } {
  const start = new Date(now.getTime() - days * 86_400_000);
  start.setUTCMinutes(0, 0, 0);
  return { gte: start.toISOString() };
}

const COARSER: Record<BucketUnit, BucketUnit | null> = { DAY: "WEEK", WEEK: "MONTH", MONTH: null };

/** `unit` if the period fits in 400 of its buckets, else the next longer unit that does. */
export function fittingUnit(days: number, unit: BucketUnit): BucketUnit {
  let current: BucketUnit = unit;
  while (tooManyBuckets(days, current)) {
    const next = COARSER[current];
    if (!next) break;
    current = next;
  }
  return current;
}
