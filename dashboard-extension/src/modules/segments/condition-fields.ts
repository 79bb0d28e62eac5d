/*
 * The segment condition language as docs/segments.md defines it: every field, its
 * operators and the kind of value each operator takes. One table, read by the builder,
 * its value editors and its validation.
 */

export const NUMBER_OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "between"] as const;
export type NumberOperator = (typeof NUMBER_OPERATORS)[number];

export type Operator =
  | NumberOperator
  | "in"
  | "has"
  | "has_any"
  | "has_all"
  | "has_none"
  | "ordered_in"
  | "any_of";

/** What an operator's value looks like in the definition JSON. */
export type ValueKind =
  | "amount" // number ≥ 0, at most 3 decimals
  | "integer" // whole number ≥ 0
  | "score" // whole number 1 … 5
  | "range" // [low, high] of the field's number kind
  | "text" // one string
  | "text-list" // list of strings
  | "text-or-list" // one string or a list (channel ordered_in)
  | "boolean";

export type FieldName =
  | "total_spent"
  | "order_count"
  | "average_order_value"
  | "days_since_last_order"
  | "days_since_first_order"
  | "date_joined_days"
  | "points_balance"
  | "loyalty_tier"
  | "tags"
  | "country"
  | "channel"
  | "purchased_product"
  | "purchased_category"
  | "marketing_consent"
  | "rfm_group"
  | "rfm_recency"
  | "rfm_frequency"
  | "rfm_monetary";

/** Which picker offers choices for a field's values. */
export type ValuePicker =
  | "tier"
  | "tag"
  | "country"
  | "channel"
  | "product"
  | "category"
  | "rfm-group"
  | null;

export interface FieldSpec {
  name: FieldName;
  label: string;
  group: "Orders" | "Account" | "Loyalty" | "Tags" | "Products" | "Marketing" | "RFM";
  operators: readonly Operator[];
  /** Number fields: the kind of each side of a comparison. */
  numberKind: "amount" | "integer" | "score" | null;
  /** Money, loyalty and RFM fields need a segment channel (`CHANNEL_REQUIRED`). */
  channelRequired: boolean;
  /** Accepts `days` (1 … 3650): only orders of the last N days count. */
  window: boolean;
  picker: ValuePicker;
  unit?: "money" | "days" | "points" | "orders";
}

const EQUALITY = ["eq", "ne", "in"] as const;
const TAG_OPERATORS = ["has", "has_any", "has_all", "has_none"] as const;

export const FIELD_SPECS: readonly FieldSpec[] = [
  { name: "total_spent", label: "Total spent", group: "Orders", operators: NUMBER_OPERATORS, numberKind: "amount", channelRequired: true, window: true, picker: null, unit: "money" },
  { name: "order_count", label: "Number of orders", group: "Orders", operators: NUMBER_OPERATORS, numberKind: "integer", channelRequired: false, window: true, picker: null, unit: "orders" },
  { name: "average_order_value", label: "Average order value", group: "Orders", operators: NUMBER_OPERATORS, numberKind: "amount", channelRequired: true, window: true, picker: null, unit: "money" },
  { name: "days_since_last_order", label: "Days since last order", group: "Orders", operators: NUMBER_OPERATORS, numberKind: "integer", channelRequired: false, window: false, picker: null, unit: "days" },
  { name: "days_since_first_order", label: "Days since first order", group: "Orders", operators: NUMBER_OPERATORS, numberKind: "integer", channelRequired: false, window: false, picker: null, unit: "days" },
  { name: "date_joined_days", label: "Days since sign-up", group: "Account", operators: NUMBER_OPERATORS, numberKind: "integer", channelRequired: false, window: false, picker: null, unit: "days" },
  { name: "points_balance", label: "Points balance", group: "Loyalty", operators: NUMBER_OPERATORS, numberKind: "integer", channelRequired: true, window: false, picker: null, unit: "points" },
  { name: "loyalty_tier", label: "Loyalty tier", group: "Loyalty", operators: EQUALITY, numberKind: null, channelRequired: true, window: false, picker: "tier" },
  { name: "tags", label: "Tags", group: "Tags", operators: TAG_OPERATORS, numberKind: null, channelRequired: false, window: false, picker: "tag" },
  { name: "country", label: "Country", group: "Account", operators: EQUALITY, numberKind: null, channelRequired: false, window: false, picker: "country" },
  { name: "channel", label: "Ordered in channel", group: "Orders", operators: ["ordered_in"], numberKind: null, channelRequired: false, window: false, picker: "channel" },
  { name: "purchased_product", label: "Bought product", group: "Products", operators: ["any_of"], numberKind: null, channelRequired: false, window: false, picker: "product" },
  { name: "purchased_category", label: "Bought from category", group: "Products", operators: ["any_of"], numberKind: null, channelRequired: false, window: false, picker: "category" },
  { name: "marketing_consent", label: "Marketing consent", group: "Marketing", operators: ["eq"], numberKind: null, channelRequired: false, window: false, picker: null },
  { name: "rfm_group", label: "RFM group", group: "RFM", operators: EQUALITY, numberKind: null, channelRequired: true, window: false, picker: "rfm-group" },
  { name: "rfm_recency", label: "RFM recency score", group: "RFM", operators: NUMBER_OPERATORS, numberKind: "score", channelRequired: true, window: false, picker: null },
  { name: "rfm_frequency", label: "RFM frequency score", group: "RFM", operators: NUMBER_OPERATORS, numberKind: "score", channelRequired: true, window: false, picker: null },
  { name: "rfm_monetary", label: "RFM monetary score", group: "RFM", operators: NUMBER_OPERATORS, numberKind: "score", channelRequired: true, window: false, picker: null },
];

const SPEC_BY_NAME = new Map<string, FieldSpec>(FIELD_SPECS.map((spec) => [spec.name, spec]));

export function fieldSpec(name: string): FieldSpec | undefined {
  return SPEC_BY_NAME.get(name);
}

export const OPERATOR_LABELS: Record<Operator, string> = {
  eq: "is",
  ne: "is not",
  gt: "more than",
  gte: "at least",
  lt: "less than",
  lte: "at most",
  between: "between",
  in: "is one of",
  has: "has tag",
  has_any: "has any of",
  has_all: "has all of",
  has_none: "has none of",
  ordered_in: "ordered in",
  any_of: "any of",
};

/** The kind of value `op` takes on `field`. */
export function valueKind(spec: FieldSpec, op: Operator): ValueKind {
  if (spec.numberKind) {
    return op === "between" ? "range" : spec.numberKind;
  }
  if (spec.name === "marketing_consent") {
    return "boolean";
  }
  if (spec.name === "channel") {
    return "text-or-list";
  }
  if (op === "in" || op === "has_any" || op === "has_all" || op === "has_none" || op === "any_of") {
    return "text-list";
  }
  return "text";
}

/** RFM groups as the API spells them in definitions (slugs), with their labels. */
export const RFM_GROUPS = [
  { slug: "champions", label: "Champions" },
  { slug: "loyal", label: "Loyal" },
  { slug: "potential_loyalist", label: "Potential loyalist" },
  { slug: "new", label: "New" },
  { slug: "promising", label: "Promising" },
  { slug: "needs_attention", label: "Needs attention" },
  { slug: "about_to_sleep", label: "About to sleep" },
  { slug: "at_risk", label: "At risk" },
  { slug: "cannot_lose_them", label: "Cannot lose them" },
  { slug: "hibernating", label: "Hibernating" },
  { slug: "lost", label: "Lost" },
] as const;

export type RfmGroupSlug = (typeof RFM_GROUPS)[number]["slug"];
