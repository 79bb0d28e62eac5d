/*
 * The Journeys tab's rows: every built-in kind with its journeys, or to be created
 * (docs/journeys.md). Pure: the tab turns the `journeys` answer into rows here.
 *
 * SEGMENT_JOINED and SEGMENT_LEFT need a segment to be created (`triggerSettings.segment`):
 * they are listed when they exist (made through the API) and not offered otherwise.
 * CART_RECOVERY is listed read-only: its row follows Programme settings (the Plugins page)
 * and journeyUpdate refuses it (NOT_EDITABLE).
 */
import type { JourneyKindEnum, JourneysQuery } from "../../generated/graphql";
import { formatPercent } from "../money/format-money";

export type JourneyWithStats = JourneysQuery["journeys"][number];

/** A trigger setting: its name in the API's input, the name the domain's errors use. */
export interface SettingSpec {
  name: "days" | "daysBefore" | "churnRiskPercent";
  path: string;
  label: string;
  min: number;
  max: number;
  default: number;
}

export interface KindSpec {
  kind: JourneyKindEnum;
  label: string;
  enters: string;
  defaultStages: string;
  settings: SettingSpec[];
  /** Shown instead of Enable / Edit when the journey is not changed here. */
  readOnly?: { note: string; uplift: string };
}

const DAYS = { name: "days", path: "days", label: "Days" } as const;

/** Each kind's trigger settings as triggers.SETTINGS has them (default, min, max). */
export const BUILT_IN_KINDS: readonly KindSpec[] = [
  {
    kind: "POST_PURCHASE",
    label: "Post-purchase",
    enters: "An order is fulfilled (its first fulfilment).",
    defaultStages: "Thank-you after 3 days, review request after 14.",
    settings: [],
  },
  {
    kind: "WIN_BACK",
    label: "Win-back",
    enters: "Their last order is the days set old (default 90), or their churn risk reaches the percentage set (off by default).",
    defaultStages: "200 bonus points after 1 h, a reminder of the balance after 14 days.",
    settings: [
      { ...DAYS, label: "Days without an order", min: 7, max: 730, default: 90 },
      { name: "churnRiskPercent", path: "churn_risk_percent", label: "Churn risk % (0: off)", min: 0, max: 100, default: 0 },
    ],
  },
  {
    kind: "BIRTHDAY",
    label: "Birthday",
    enters: "It is their birthday (or the days set before it), once a year.",
    defaultStages: "100 bonus points on the day.",
    settings: [{ name: "daysBefore", path: "days_before", label: "Days before the birthday", min: 0, max: 30, default: 0 }],
  },
  {
    kind: "TIER_UP",
    label: "Tier up",
    enters: "A tier change moves them up.",
    defaultStages: "Welcome to the tier.",
    settings: [],
  },
  {
    kind: "TIER_AT_RISK",
    label: "Tier at risk",
    enters: "What is left in their tier window the days set ahead (default 30) would no longer reach their tier.",
    defaultStages: "“Order again to keep your tier.”",
    settings: [{ ...DAYS, label: "Days ahead", min: 1, max: 365, default: 30 }],
  },
  {
    kind: "POINTS_EXPIRING",
    label: "Points expiring",
    enters: "Some of their points expire within the days set (default 14), once per expiry day.",
    defaultStages: "“N points expire on …”.",
    settings: [{ ...DAYS, label: "Days ahead", min: 1, max: 90, default: 14 }],
  },
];

/** Listed when they exist, never offered: cart recovery (read-only), then the segment kinds. */
const LISTED_KINDS: readonly KindSpec[] = [
  {
    kind: "CART_RECOVERY",
    label: "Cart recovery",
    enters: "A checkout is abandoned.",
    defaultStages: "Set in Programme settings.",
    settings: [],
    readOnly: {
      note: "Switched on and set up in Programme settings → Cart recovery (needs Manage plugins); the Cart recovery tab has its checkouts and offer test.",
      uplift: "No holdout: the offer's A/B test is on the Cart recovery tab.",
    },
  },
  { kind: "SEGMENT_JOINED", label: "Segment joined", enters: "They join the segment named in the settings.", defaultStages: "A greeting.", settings: [] },
  { kind: "SEGMENT_LEFT", label: "Segment left", enters: "They leave the segment named in the settings.", defaultStages: "A greeting.", settings: [] },
];

export function kindSpec(kind: JourneyKindEnum): KindSpec | null {
  return [...BUILT_IN_KINDS, ...LISTED_KINDS].find((spec) => spec.kind === kind) ?? null;
}

export type JourneyRow = { key: string; spec: KindSpec; journey: JourneyWithStats | null };

/**
 * One row per built-in kind, in a fixed order (its journeys, or the kind not created yet),
 * then cart recovery and the segment journeys: enabling a kind leaves its row where it was.
 */
export function journeyRows(journeys: readonly JourneyWithStats[]): JourneyRow[] {
  const rowsOf = (spec: KindSpec): JourneyRow[] => journeys.filter((journey) => journey.kind === spec.kind).map((journey) => ({ key: journey.id, spec, journey }));
  const builtIn = BUILT_IN_KINDS.flatMap((spec) => {
    const rows = rowsOf(spec);
    return rows.length > 0 ? rows : [{ key: spec.kind, spec, journey: null }];
  });
  return [...builtIn, ...LISTED_KINDS.flatMap(rowsOf)];
}

/** Largest first: `seconds` are described in the largest unit that divides them. */
const UNITS = [
  { letter: "w", seconds: 604_800, one: "week", many: "weeks" },
  { letter: "d", seconds: 86_400, one: "day", many: "days" },
  { letter: "h", seconds: 3_600, one: "h", many: "h" },
  { letter: "m", seconds: 60, one: "min", many: "min" },
] as const;

/**
 * "1 h", "3 days", "2 weeks": as staff typed it (`1h`, `3d`, `2w`, `30m`), else from the
 * seconds in the largest whole unit (cart recovery's stages say `3600s`).
 */
export function describeDelay(delay: string, seconds: number): string {
  const typed = /^\s*(\d+)\s*([mhdw])\s*$/.exec(delay);
  const unit = typed ? UNITS.find((candidate) => candidate.letter === typed[2]) : UNITS.find((candidate) => seconds > 0 && seconds % candidate.seconds === 0);
  if (!unit) return `${seconds} s`;
  const count = typed ? Number(typed[1]) : seconds / unit.seconds;
  return `${count} ${count === 1 ? unit.one : unit.many}`;
}

/** The uplift in percentage points with its 95 % interval, and what it says. */
export function upliftSummary(uplift: { difference: number; low: number; high: number } | null): { value: string; reading: string } {
  if (!uplift) return { value: "—", reading: "Needs customers in both the messaged and the held-out group." };
  const points = (share: number) => `${share > 0 ? "+" : share < 0 ? "−" : ""}${Math.abs(share * 100).toFixed(1)} pts`;
  const interval = `95 % interval ${points(uplift.low)} to ${points(uplift.high)}`;
  const reading = uplift.low > 0 ? "messages raise conversion" : uplift.high < 0 ? "messages lower conversion" : "no effect shown yet";
  return { value: points(uplift.difference), reading: `${interval}: ${reading}` };
}

/** "12 of 40 (30%)" for converted of messaged. */
export function conversionText(converted: number, of: number): string {
  return of === 0 ? `${converted}` : `${converted} of ${of} (${formatPercent(converted / of)})`;
}
