/*
 * The CRM's per-channel configuration (docs/configuration.md) as an editor sees it:
 * sections of fields, tiers and stages as rows instead of `a | b | c` lines, and
 * validation as staff type that reports every problem at once, each naming its field
 * (and line) in the server's words. The server validates again on `pluginUpdate` (and
 * renders the templates with sample data); these rules mirror it.
 */

export type ConfigValues = Record<string, string | boolean>;

export interface ConfigProblem {
  field: string;
  line?: number;
  message: string;
}

export type FieldKind = "integer" | "decimal" | "duration" | "boolean" | "choice" | "tiers" | "stages" | "offer" | "experiment" | "url" | "text" | "template" | "secret" | "email";

export interface ConfigFieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  choices?: readonly string[];
  help: string;
}

export interface ConfigSection {
  title: string;
  fields: readonly ConfigFieldSpec[];
}

export const CONFIG_SECTIONS: readonly ConfigSection[] = [
  {
    title: "Earning",
    fields: [
      { name: "earn_points", label: "Points earned", kind: "integer", help: "Whole points earned for every amount below." },
      { name: "earn_amount", label: "Per amount spent", kind: "decimal", help: "Spend that earns the points above; greater than zero." },
      { name: "earn_rounding", label: "Rounding of earned points", kind: "choice", choices: ["floor", "half_up", "ceil"], help: "How a partial amount counts, once per order." },
      { name: "eligible_include_shipping", label: "Shipping earns points", kind: "boolean", help: "Count the shipping price as eligible spend." },
      { name: "eligible_include_tax", label: "Tax earns points", kind: "boolean", help: "Count taxes as eligible spend (otherwise net amounts)." },
      { name: "pending_period", label: "Pending period", kind: "duration", help: "How long earned points stay pending (your return window); 0: at once." },
    ],
  },
  {
    title: "Expiry",
    fields: [
      { name: "points_expire_after", label: "Points expire after", kind: "duration", help: "Empty: never." },
      { name: "expiry_warning_before", label: "Expiry warning", kind: "duration", help: "Empty: no warning." },
    ],
  },
  {
    title: "Tiers",
    fields: [
      { name: "tier_basis", label: "Tiers are based on", kind: "choice", choices: ["spend", "points"], help: "Eligible spend or points earned within the window." },
      { name: "tier_window", label: "Tier window", kind: "duration", help: "Rolling window over which spend or points count." },
      { name: "tiers", label: "Tiers", kind: "tiers", help: "Thresholds strictly increasing, names unique." },
    ],
  },
  {
    title: "Bonuses",
    fields: [
      { name: "signup_bonus", label: "Sign-up bonus", kind: "integer", help: "Points given once when an account is created." },
      { name: "birthday_bonus", label: "Birthday bonus", kind: "integer", help: "Points given once a year on the customer's birthday." },
    ],
  },
  {
    title: "Redemption at checkout",
    fields: [
      { name: "point_value", label: "Value of one point", kind: "decimal", help: "What one point is worth at checkout." },
      { name: "redemption_max_percent", label: "Maximum redemption (%)", kind: "decimal", help: "At most this share of a checkout's total." },
      { name: "redemption_min_points", label: "Minimum redemption", kind: "integer", help: "The fewest points redeemed at once." },
      { name: "redemption_hold", label: "Reservation hold", kind: "duration", help: "Points applied to an untouched checkout are released after this." },
    ],
  },
  {
    title: "Cart recovery",
    fields: [
      { name: "cart_recovery_enabled", label: "Cart recovery", kind: "boolean", help: "Needs both storefront URLs and at least one stage." },
      { name: "cart_recovery_stages", label: "Reminder stages", kind: "stages", help: "Delays from the checkout's last change, strictly increasing; at most 5." },
      { name: "cart_offer", label: "Recovery offer", kind: "offer", help: "percentage 10 items 7d · fixed 5 order 3d · free_shipping 7d · none" },
      { name: "cart_experiment", label: "Offer experiment", kind: "experiment", help: "Optional A/B test replacing the offer: name | weight | offer or none." },
      { name: "cart_min_total", label: "Minimum cart total", kind: "decimal", help: "Checkouts below this are not reminded." },
      { name: "storefront_checkout_url", label: "Storefront checkout URL", kind: "url", help: "http(s) URL with {token}." },
      { name: "storefront_unsubscribe_url", label: "Storefront unsubscribe URL", kind: "url", help: "http(s) URL with {token}." },
      { name: "marketing_consent_default", label: "Consent when never asked", kind: "boolean", help: "Remind shoppers who never answered." },
      { name: "message_frequency_cap", label: "Frequency cap", kind: "duration", help: "At most one reminder per shopper within this; 0: no cap." },
      { name: "cart_messages_per_run", label: "Messages per run", kind: "integer", help: "1 – 100000 stages per channel and sweep." },
    ],
  },
  {
    title: "Messages",
    fields: [
      { name: "cart_reminder_subject", label: "Reminder subject", kind: "template", help: "Handlebars; the Plugins page and docs/configuration.md list the variables." },
      { name: "cart_reminder_template", label: "Reminder template", kind: "template", help: "DEFAULT: built-in; empty: no e-mail." },
      { name: "cart_offer_subject", label: "Offer subject", kind: "template", help: "Handlebars." },
      { name: "cart_offer_template", label: "Offer template", kind: "template", help: "DEFAULT: built-in; empty: no e-mail." },
      { name: "cart_last_call_subject", label: "Last call subject", kind: "template", help: "Handlebars." },
      { name: "cart_last_call_template", label: "Last call template", kind: "template", help: "DEFAULT: built-in; empty: no e-mail." },
    ],
  },
  {
    title: "E-mail (SMTP)",
    fields: [
      { name: "smtp_host", label: "SMTP host", kind: "text", help: "Empty: apps subscribed to NOTIFY_USER send the e-mails." },
      { name: "smtp_port", label: "SMTP port", kind: "integer", help: "Required with a host." },
      { name: "smtp_user", label: "SMTP user", kind: "text", help: "If the server needs a login." },
      { name: "smtp_password", label: "SMTP password", kind: "secret", help: "Never shown back; leave empty to keep it." },
      { name: "smtp_sender_name", label: "Sender name", kind: "text", help: "" },
      { name: "smtp_sender_address", label: "Sender address", kind: "email", help: "Required with a host." },
      { name: "smtp_use_tls", label: "Use TLS", kind: "boolean", help: "STARTTLS; not with SSL." },
      { name: "smtp_use_ssl", label: "Use SSL", kind: "boolean", help: "Implicit TLS; not with TLS." },
    ],
  },
];

export const CONFIG_FIELDS: readonly ConfigFieldSpec[] = CONFIG_SECTIONS.flatMap((section) => section.fields);

const MAX_POINTS = 1e12;
const MAX_AMOUNT = 1e9;
const DAY = 86_400;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: DAY, w: 7 * DAY };

/** "14d", "36h", "1h30m", "2w", "0" → seconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === "0") return 0;
  if (!/^(\d+(\.\d+)?\s*[smhdw]\s*)+$/.test(trimmed)) return null;
  let seconds = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)\s*([smhdw])/g)) {
    seconds += Number(match[1]) * (UNIT_SECONDS[match[2] as string] ?? 0);
  }
  return seconds;
}

function numberProblem(text: string, options: { integer: boolean; min: number; max: number; positive?: boolean }): string | null {
  const trimmed = text.trim();
  const pattern = options.integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
  if (!pattern.test(trimmed)) {
    return options.integer ? `'${text}' is not a whole number.` : `'${text}' is not a number.`;
  }
  const value = Number(trimmed);
  if (options.positive && value <= 0) return `must be greater than zero (not ${text}).`;
  if (value < options.min || value > options.max) return `must be between ${options.min} and ${options.max} (not ${text}).`;
  return null;
}

function durationProblem(text: string, optional: boolean, maxDays = 3650): string | null {
  if (!text.trim()) return optional ? null : "a duration is required, e.g. 14d or 36h.";
  const seconds = parseDuration(text);
  if (seconds === null) return `'${text}' is not a duration; use e.g. 14d, 36h or 90m.`;
  if (seconds > maxDays * DAY) return `must be at most ${maxDays} days (not ${text}).`;
  return null;
}

const LINE_QUOTED = 60;

/**
 * A problem worded as the server words it (saleor_crm_plugin/config/parsing.py): the
 * field's label, the line and its text for a multi-line field, then what is wrong.
 */
function problem(field: string, message: string, line?: { number: number; text: string }): ConfigProblem {
  const label = CONFIG_FIELDS.find((spec) => spec.name === field)?.label ?? field;
  if (!line) return { field, message: `${label}: ${message}` };
  const text = line.text.trim();
  const quoted = text.length > LINE_QUOTED ? `${text.slice(0, LINE_QUOTED - 1)}…` : text;
  return { field, line: line.number, message: `${label}, line ${line.number} ("${quoted}"): ${message}` };
}

export interface TierRow {
  name: string;
  threshold: string;
  multiplier: string;
}

export interface StageRow {
  delay: string;
  kind: string;
}

function splitLines(text: string): { line: number; raw: string; parts: string[] }[] {
  return text
    .split("\n")
    .map((raw, index) => ({ line: index + 1, raw }))
    .filter(({ raw }) => raw.trim() !== "")
    .map(({ line, raw }) => ({ line, raw, parts: raw.split("|").map((part) => part.trim()) }));
}

export function tiersFromText(text: string): TierRow[] {
  return splitLines(text).map(({ parts }) => ({ name: parts[0] ?? "", threshold: parts[1] ?? "", multiplier: parts[2] ?? "" }));
}

export function tiersToText(rows: readonly TierRow[]): string {
  return rows.map((row) => `${row.name.trim()} | ${row.threshold.trim()} | ${row.multiplier.trim()}`).join("\n");
}

export function stagesFromText(text: string): StageRow[] {
  return splitLines(text).map(({ parts }) => ({ delay: parts[0] ?? "", kind: parts[1] ?? "" }));
}

export function stagesToText(rows: readonly StageRow[]): string {
  return rows.map((row) => `${row.delay.trim()} | ${row.kind.trim()}`).join("\n");
}

export function validateTiers(rows: readonly TierRow[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const field = "tiers";
  const seen = new Map<string, number>();
  let previous: { number: number; threshold: number } | null = null;
  rows.forEach((row, index) => {
    const line = { number: index + 1, text: tiersToText([row]) };
    const add = (message: string) => problems.push(problem(field, message, line));
    const name = row.name.trim();
    if (!name) add("the name is required.");
    else if (name.length > 64) add("the name is longer than 64 characters.");
    else if (/[|\n]/.test(row.name)) add("the name cannot contain '|'.");
    else if (seen.has(name.toLowerCase())) add(`the name '${name}' is already used on line ${seen.get(name.toLowerCase())}.`);
    else seen.set(name.toLowerCase(), line.number);
    const threshold = numberProblem(row.threshold, { integer: false, min: 0, max: MAX_AMOUNT });
    if (threshold) add(threshold);
    const multiplier = numberProblem(row.multiplier, { integer: false, min: 0, max: 100, positive: true });
    if (multiplier) add(multiplier);
    if (threshold || multiplier) return;
    const value = Number(row.threshold);
    if (previous && value <= previous.threshold) {
      add(`the threshold must be above line ${previous.number}'s (${previous.threshold}): list tiers from the lowest.`);
    }
    previous = { number: line.number, threshold: value };
  });
  return problems;
}

export function validateStages(rows: readonly StageRow[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const field = "cart_recovery_stages";
  let previous: { number: number; delay: string; seconds: number } | null = null;
  rows.forEach((row, index) => {
    const line = { number: index + 1, text: stagesToText([row]) };
    const add = (message: string) => problems.push(problem(field, message, line));
    const seconds = parseDuration(row.delay);
    let valid = true;
    if (seconds === null) {
      add(`'${row.delay}' is not a duration; use e.g. 14d, 36h or 90m.`);
      valid = false;
    } else if (seconds < 60 || seconds > 30 * DAY) {
      add("the delay must be between 1m and 30d.");
      valid = false;
    }
    if (!["reminder", "offer", "last_call"].includes(row.kind.trim().toLowerCase())) {
      add(`'${row.kind}' is not one of: reminder, offer, last_call.`);
      valid = false;
    }
    if (!valid || seconds === null) return;
    if (previous && seconds <= previous.seconds) {
      add(`the delay must be longer than line ${previous.number}'s (${previous.delay}): delays strictly increase.`);
    }
    previous = { number: line.number, delay: row.delay.trim(), seconds };
  });
  if (rows.length > 5) problems.push(problem(field, `at most 5 stages (not ${rows.length}).`));
  return problems;
}

/** 'percentage 10 items 7d' | 'fixed 5 order 3d' | 'free_shipping 7d' | 'none' | ''. */
export function offerProblem(text: string): string | null {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || (words.length === 1 && words[0]?.toLowerCase() === "none")) return null;
  const type = words[0]?.toLowerCase() ?? "";
  if (!["percentage", "fixed", "free_shipping"].includes(type)) return `'${words[0]}' is not one of: percentage, fixed, free_shipping.`;
  let validity: string;
  if (type === "free_shipping") {
    if (words.length !== 2) return `expected 'free_shipping <validity>', e.g. free_shipping 7d (not '${text}').`;
    validity = words[1] as string;
  } else {
    if (words.length !== 4) return `expected '${type} <value> <items|order> <validity>', e.g. ${type} 10 items 7d (not '${text}').`;
    const value = numberProblem(words[1] as string, { integer: false, min: 0, max: type === "percentage" ? 100 : MAX_AMOUNT, positive: true });
    if (value) return value;
    if (!["items", "order"].includes((words[2] as string).toLowerCase())) return `'${words[2]}' is not one of: items, order.`;
    validity = words[3] as string;
  }
  const seconds = parseDuration(validity);
  if (seconds === null) return `'${validity}' is not a duration; use e.g. 14d, 36h or 90m.`;
  if (seconds <= 0 || seconds >= 60 * DAY) return `the validity must be more than 0 and less than 60 days (not ${validity}).`;
  return null;
}

export function validateExperiment(text: string): ConfigProblem[] {
  const field = "cart_experiment";
  const problems: ConfigProblem[] = [];
  const lines = splitLines(text);
  const seen = new Map<string, number>();
  lines.forEach(({ line: number, raw, parts }) => {
    const line = { number, text: raw };
    const add = (message: string) => problems.push(problem(field, message, line));
    if (parts.length !== 3 || parts.some((part) => !part)) {
      add("expected 'name | weight | offer or none'.");
      return;
    }
    const name = (parts[0] as string).toLowerCase();
    if (seen.has(name)) add(`the name '${parts[0]}' is already used on line ${seen.get(name)}.`);
    else seen.set(name, number);
    const weight = numberProblem(parts[1] as string, { integer: true, min: 1, max: 1000 });
    if (weight) add(weight);
    const offer = offerProblem(parts[2] as string);
    if (offer) add(offer);
  });
  if (lines.length === 1) problems.push(problem(field, "an experiment needs at least two variants (one a line)."));
  return problems;
}

function urlProblem(text: string, required: boolean): string | null {
  const trimmed = text.trim();
  if (!trimmed) return required ? "required when 'Cart recovery' is on." : null;
  if (!trimmed.includes("{token}")) return `must contain {token} (not '${text}').`;
  try {
    const url = new URL(trimmed.replace("{token}", "token"));
    if (url.protocol !== "http:" && url.protocol !== "https:") return `'${text}' is not an http(s) URL.`;
  } catch {
    return `'${text}' is not an http(s) URL.`;
  }
  return null;
}

/**
 * A quick Handlebars check: every block opened with {{#x}} is closed with {{/x}}, in
 * order, and every {{ with }}. The server also renders the template with sample data
 * and refuses unknown variables (saleor_crm_plugin/config/templates.py).
 */
export function templateProblem(text: string): string | null {
  if (!text || text === "DEFAULT") return null;
  const stack: string[] = [];
  for (const match of text.matchAll(/\{\{~?\s*([#/^])\s*([\w.@-]+)/g)) {
    const [, sign, name] = match as unknown as [string, string, string];
    if (sign === "#" || sign === "^") stack.push(name);
    else {
      const open = stack.pop();
      if (open !== name) return open ? `{{/${name}}} closes {{#${open}}}.` : `{{/${name}}} closes nothing.`;
    }
  }
  if (stack.length > 0) return `{{#${stack[stack.length - 1]}}} is not closed.`;
  const opens = (text.match(/\{\{/g) ?? []).length;
  const closes = (text.match(/\}\}/g) ?? []).length;
  if (opens !== closes) return "a '{{' is not closed with '}}'.";
  return null;
}

const asText = (value: string | boolean | undefined) => (typeof value === "boolean" ? String(value) : (value ?? ""));
const asBool = (value: string | boolean | undefined) => value === true || String(value).trim().toLowerCase() === "true";

function fieldProblem(spec: ConfigFieldSpec, text: string, values: ConfigValues): string | null {
  switch (spec.kind) {
    case "integer":
      if (spec.name === "smtp_port") return text.trim() ? numberProblem(text, { integer: true, min: 0, max: 65535 }) : null;
      if (spec.name === "cart_messages_per_run") return numberProblem(text, { integer: true, min: 1, max: 100_000 });
      return numberProblem(text, { integer: true, min: 0, max: MAX_POINTS });
    case "decimal": {
      const max = spec.name === "redemption_max_percent" ? 100 : MAX_AMOUNT;
      const positive = spec.name === "earn_amount" || spec.name === "point_value";
      return numberProblem(text, { integer: false, min: 0, max, positive });
    }
    case "duration":
      return durationProblem(text, spec.name === "points_expire_after" || spec.name === "expiry_warning_before");
    case "choice":
      return spec.choices?.includes(text.trim().toLowerCase()) ? null : `'${text}' is not one of: ${spec.choices?.join(", ")}.`;
    case "offer":
      return offerProblem(text);
    case "url":
      return urlProblem(text, asBool(values.cart_recovery_enabled));
    case "template":
      return templateProblem(text);
    default:
      return null;
  }
}

/** Every problem of a channel's configuration at once, each naming its field (and line). */
export function validateConfig(values: ConfigValues): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (field: string, message: string | null) => {
    if (message) problems.push(problem(field, message));
  };
  for (const spec of CONFIG_FIELDS) {
    const text = asText(values[spec.name]);
    if (spec.kind === "tiers") problems.push(...validateTiers(tiersFromText(text)));
    else if (spec.kind === "stages") problems.push(...validateStages(stagesFromText(text)));
    else if (spec.kind === "experiment") problems.push(...validateExperiment(text));
    else add(spec.name, fieldProblem(spec, text, values));
  }
  if (asBool(values.cart_recovery_enabled) && stagesFromText(asText(values.cart_recovery_stages)).length === 0) {
    add("cart_recovery_stages", "at least one stage is required when 'Cart recovery' is on.");
  }
  const host = asText(values.smtp_host).trim();
  if (host) {
    if (!asText(values.smtp_port).trim()) add("smtp_port", "required when 'SMTP host' is set.");
    if (!asText(values.smtp_sender_address).trim()) add("smtp_sender_address", "required when 'SMTP host' is set.");
  }
  const sender = asText(values.smtp_sender_address).trim();
  if (sender && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(sender)) add("smtp_sender_address", `'${sender}' is not an e-mail address.`);
  if (asBool(values.smtp_use_tls) && asBool(values.smtp_use_ssl)) add("smtp_use_ssl", "'Use TLS' and 'Use SSL' are mutually exclusive; tick one.");
  return problems;
}

/** The field a `pluginUpdate` error names (Saleor sends it in camelCase) as stored. */
export function storedFieldName(field: string | null | undefined): string | null {
  if (!field) return null;
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** The `configuration` input of `pluginUpdate`: only the fields that changed. */
export function changedConfiguration(original: ConfigValues, edited: ConfigValues): { name: string; value: string }[] {
  return CONFIG_FIELDS.filter((spec) => asText(original[spec.name]) !== asText(edited[spec.name]))
    .filter((spec) => !(spec.kind === "secret" && asText(edited[spec.name]) === ""))
    .map((spec) => ({ name: spec.name, value: asText(edited[spec.name]) }));
}
