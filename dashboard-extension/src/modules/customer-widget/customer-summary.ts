/*
 * The customer widget's figures: tier progress, ledger lines and the "why" of each
 * segment, shaped from the API's answer for a display-only component.
 */

export interface TierProgressInput {
  tier: { name: string } | null;
  nextTier: { name: string; threshold: number } | null;
  progressToNextTier: number | null;
}

export interface TierProgress {
  label: string;
  percent: number | null;
  nextLabel: string | null;
}

export function tierProgress(input: TierProgressInput): TierProgress {
  const label = input.tier?.name ?? "No tier";
  if (!input.nextTier) {
    return { label, percent: input.tier ? 100 : null, nextLabel: input.tier ? "Highest tier" : null };
  }
  const share = Math.min(1, Math.max(0, input.progressToNextTier ?? 0));
  return { label, percent: Math.round(share * 100), nextLabel: `${input.nextTier.name} at ${input.nextTier.threshold.toLocaleString("en-US")}` };
}

const ENTRY_LABELS: Record<string, string> = {
  EARN: "Earned",
  REVERSE: "Reversed",
  REDEEM: "Redeemed",
  RELEASE: "Released",
  EXPIRE: "Expired",
  ADJUST: "Adjusted",
  BONUS: "Bonus",
};

export function entryLabel(type: string): string {
  return ENTRY_LABELS[type] ?? type;
}

export function signedPoints(points: number): string {
  return points > 0 ? `+${points.toLocaleString("en-US")}` : points.toLocaleString("en-US");
}

export interface ExplanationInput {
  isMember: boolean;
  segment: { id: string; name: string };
  conditions: readonly { path: string; description: string; holds: boolean; actual: string | null }[];
}

export interface SegmentWhy {
  id: string;
  name: string;
  isMember: boolean;
  /** One line per condition, e.g. "✓ Total spent > 500 (actual 812.40)". */
  reasons: { text: string; holds: boolean; depth: number }[];
}

/** Members first, then by name; each condition with its depth in the tree (from its path). */
export function segmentWhy(explanations: readonly ExplanationInput[]): SegmentWhy[] {
  return [...explanations]
    .sort((a, b) => Number(b.isMember) - Number(a.isMember) || a.segment.name.localeCompare(b.segment.name))
    .map((explanation) => ({
      id: explanation.segment.id,
      name: explanation.segment.name,
      isMember: explanation.isMember,
      reasons: explanation.conditions.map((condition) => ({
        text: condition.actual === null ? condition.description : `${condition.description} (actual: ${condition.actual})`,
        holds: condition.holds,
        depth: condition.path ? condition.path.split(".").length : 0,
      })),
    }));
}

/** Tags as staff type them: comma separated, normalised as the API stores them. */
export function parseTagInput(text: string): string[] {
  return [
    ...new Set(
      text
        .split(",")
        .map((tag) => tag.trim().replace(/\s+/g, " ").toLowerCase())
        .filter(Boolean),
    ),
  ];
}

export type AdjustCheck = { ok: true; points: number; reason: string } | { ok: false; field: "points" | "reason"; message: string };

/** The adjust form before it asks for confirmation. */
export function checkAdjustment(pointsText: string, reasonText: string, balance: number): AdjustCheck {
  const trimmed = pointsText.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return { ok: false, field: "points", message: "Enter whole points, e.g. 150 or -150." };
  const points = Number(trimmed);
  if (points === 0) return { ok: false, field: "points", message: "Enter a number other than zero." };
  if (!Number.isSafeInteger(points)) return { ok: false, field: "points", message: "Too many points." };
  if (points < 0 && balance + points < 0) {
    return { ok: false, field: "points", message: `The balance is ${balance}; a deduction cannot take it below zero.` };
  }
  const reason = reasonText.trim();
  if (!reason) return { ok: false, field: "reason", message: "A reason is required; the customer sees it." };
  if (reason.length > 255) return { ok: false, field: "reason", message: "At most 255 characters." };
  return { ok: true, points, reason };
}

export interface ConsentLike {
  granted: boolean;
  source: string;
  updatedAt: string;
}

const CONSENT_SOURCES: Record<string, string> = {
  customer: "by the customer",
  staff: "by staff",
  app: "by an app",
  unsubscribe_link: "through an unsubscribe link",
  import: "by an import",
};

/** "Given by the customer on Mar 1, 2026"; never answered: the shop's default applies. */
export type ConsentState = "given" | "withdrawn" | "unknown";

export function consentSummary(consent: ConsentLike | null, locale = "en-US"): { state: ConsentState; text: string } {
  if (!consent) return { state: "unknown", text: "Never answered: the channel's consent default applies (no marketing unless it is switched on)." };
  const source = CONSENT_SOURCES[consent.source] ?? `(${consent.source})`;
  const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(consent.updatedAt));
  return consent.granted ? { state: "given", text: `Given ${source} on ${date}.` } : { state: "withdrawn", text: `Withdrawn ${source} on ${date}.` };
}

export interface ConsentReasonAsk {
  label: string;
  /** Why the reason is required, when it is. */
  hint: string | null;
  /** Whether the answer may be sent with this reason. */
  ok: boolean;
}

/**
 * The reason asked when staff record an answer. Giving back a consent that is withdrawn
 * requires one (the API answers REASON_REQUIRED without it); otherwise it is optional and
 * still sent when filled.
 */
export function consentReasonAsk(granted: boolean, current: ConsentState, reason: string): ConsentReasonAsk {
  if (!granted) return { label: "Reason (optional)", hint: null, ok: true };
  if (current !== "withdrawn") return { label: "How did the customer agree? (optional, e.g. phone call on 1 Dec)", hint: null, ok: true };
  return {
    label: "How did the customer agree? (e.g. phone call on 1 Dec)",
    hint: "Required: the customer withdrew this consent. The reason is recorded with your name in their consent history.",
    ok: reason.trim() !== "",
  };
}
