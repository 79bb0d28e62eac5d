/*
 * The A/B result of cart-recovery offers: each variant's recovery rate with a 95 %
 * Wilson interval, and its difference from the reference (holdout) with Newcombe's
 * hybrid score interval (method 10), which behaves at the small counts a shop sees.
 * The p-value is the API's (two-sided two-proportion z-test, pooled); `zTest` below
 * recomputes it for the tests and for a difference the API did not score.
 */

const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

export function wilsonInterval(successes: number, trials: number, z = Z95): Interval | null {
  if (trials <= 0) {
    return null;
  }
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Interval for p1 − p2 (Newcombe 1998, method 10). */
export function differenceInterval(
  successes1: number,
  trials1: number,
  successes2: number,
  trials2: number,
  z = Z95,
): Interval | null {
  const first = wilsonInterval(successes1, trials1, z);
  const second = wilsonInterval(successes2, trials2, z);
  if (!first || !second) {
    return null;
  }
  const p1 = successes1 / trials1;
  const p2 = successes2 / trials2;
  const difference = p1 - p2;
  const lowerDelta = Math.sqrt((p1 - first.low) ** 2 + (second.high - p2) ** 2);
  const upperDelta = Math.sqrt((first.high - p1) ** 2 + (p2 - second.low) ** 2);
  return { low: difference - lowerDelta, high: difference + upperDelta };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 through erf; |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-((x / Math.SQRT2) ** 2));
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Two-sided two-proportion z-test with pooled variance, as the API computes it. */
export function zTest(successes1: number, trials1: number, successes2: number, trials2: number): { z: number; pValue: number } | null {
  if (trials1 === 0 || trials2 === 0) {
    return null;
  }
  const pooled = (successes1 + successes2) / (trials1 + trials2);
  if (pooled === 0 || pooled === 1) {
    return null;
  }
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / trials1 + 1 / trials2));
  const z = (successes1 / trials1 - successes2 / trials2) / se;
  return { z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

export interface VariantFigures {
  name: string;
  isReference: boolean;
  reminded: number;
  recovered: number;
  pValue: number | null;
  discountCost: number;
  recoveredRevenue: number;
}

export interface VariantResult {
  name: string;
  isReference: boolean;
  reminded: number;
  recovered: number;
  rate: number | null;
  rateInterval: Interval | null;
  /** Against the reference; null for the reference itself. */
  difference: number | null;
  differenceInterval: Interval | null;
  pValue: number | null;
  verdict: "reference" | "better" | "worse" | "no clear difference" | "not enough data";
}

export function abTestResults(variants: readonly VariantFigures[], alpha = 0.05): VariantResult[] {
  const reference = variants.find((variant) => variant.isReference) ?? null;
  return variants.map((variant) => {
    const rate = variant.reminded === 0 ? null : variant.recovered / variant.reminded;
    const base = {
      name: variant.name,
      isReference: variant.isReference,
      reminded: variant.reminded,
      recovered: variant.recovered,
      rate,
      rateInterval: wilsonInterval(variant.recovered, variant.reminded),
      pValue: variant.pValue,
    };
    if (variant.isReference || !reference) {
      return { ...base, difference: null, differenceInterval: null, verdict: variant.isReference ? "reference" : "not enough data" };
    }
    const interval = differenceInterval(variant.recovered, variant.reminded, reference.recovered, reference.reminded);
    const difference = rate === null || reference.reminded === 0 ? null : rate - reference.recovered / reference.reminded;
    let verdict: VariantResult["verdict"] = "not enough data";
    if (variant.pValue !== null && difference !== null) {
      verdict = variant.pValue < alpha ? (difference > 0 ? "better" : "worse") : "no clear difference";
    }
    return { ...base, difference, differenceInterval: interval, verdict };
  });
}
