/*
 * Editing a journey: the form's draft (text as typed), the journeyUpdate input it makes,
 * and the server's errors placed at their field. Pure.
 *
 * Keys name a form field: `holdoutPercent`, `triggerSettings.days`, `stages[1].delay`.
 * The server's errors say `field` (`triggerSettings`, `stages`, `holdoutPercent`) and a
 * `path` in the domain's names (`days_before`, `stages[0].offer_points`); errorKey() maps
 * them onto the same keys. Ranges are the server's to check (one rule, written once); the
 * form only refuses what is not a whole number.
 */
import type { JourneyDefinitionFragment, JourneyUpdateInput } from "../../generated/graphql";
import type { KindSpec } from "./journey-rows";

export interface StageDraft {
  delay: string;
  subject: string;
  body: string;
  offerPoints: string;
}

export interface JourneyDraft {
  holdoutPercent: string;
  settings: Record<string, string>;
  stages: StageDraft[];
}

export interface FieldError {
  key: string;
  message: string;
}

export function draftFromJourney(journey: JourneyDefinitionFragment, spec: KindSpec): JourneyDraft {
  const stored = journey.triggerSettings as Record<string, number | string | null>;
  return {
    holdoutPercent: String(journey.holdoutPercent),
    settings: Object.fromEntries(spec.settings.map((setting) => [setting.name, String(stored[setting.name] ?? setting.default)])),
    stages: journey.stages.map((stage) => ({ delay: stage.delay, subject: stage.subject, body: stage.body, offerPoints: String(stage.offerPoints) })),
  };
}

function wholeNumber(text: string): number | null {
  return /^\s*-?\d+\s*$/.test(text) ? Number(text) : null;
}

/**
 * The journeyUpdate input for the draft: every setting of the kind (omitted ones would be
 * reset to their default), every stage with its body unchanged; or what is not a number.
 */
export function draftToInput(draft: JourneyDraft, spec: KindSpec): { input: JourneyUpdateInput; problems: [] } | { input: null; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const number = (key: string, text: string, empty: number | null = null): number => {
    const value = text.trim() === "" && empty !== null ? empty : wholeNumber(text);
    if (value === null) problems.push({ key, message: "A whole number." });
    return value ?? 0;
  };
  const holdoutPercent = number("holdoutPercent", draft.holdoutPercent);
  const triggerSettings = Object.fromEntries(spec.settings.map((setting) => [setting.name, number(`triggerSettings.${setting.name}`, draft.settings[setting.name] ?? "")]));
  const stages = draft.stages.map((stage, index) => ({
    delay: stage.delay.trim(),
    subject: stage.subject,
    body: stage.body,
    offerPoints: number(`stages[${index}].offerPoints`, stage.offerPoints, 0),
  }));
  if (problems.length > 0) return { input: null, problems };
  return { input: { holdoutPercent, stages, ...(spec.settings.length > 0 ? { triggerSettings } : {}) }, problems: [] };
}

const camel = (name: string) => name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The form field a server error belongs to (see the module's comment). */
export function errorKey(error: { field?: string | null; path?: string | null }): string {
  const field = error.field ?? "";
  if (!error.path) return field;
  if (field === "stages" || error.path.startsWith("stages[")) return camel(error.path);
  return `${field}.${camel(error.path)}`;
}

/**
 * The server's errors by form field; `null` field (the whole mutation) under "". The
 * server starts a message with its path (`days: 'days' is …`) for clients that show
 * messages alone; shown at its field, the message goes without it.
 */
export function errorsByKey(errors: readonly { field?: string | null; path?: string | null; message?: string | null }[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const error of errors) {
    const key = errorKey(error);
    const message = error.message ?? "Invalid.";
    const prefix = error.path ? `${error.path}: ` : "";
    byKey.set(key, [...(byKey.get(key) ?? []), prefix && message.startsWith(prefix) ? message.slice(prefix.length) : message]);
  }
  return byKey;
}

/** Errors whose key no field of this form shows (shown above the form; bodies are not edited here). */
export function unplacedErrors(byKey: Map<string, string[]>, draft: JourneyDraft): { key: string; message: string }[] {
  const shown = new Set(["holdoutPercent", ...Object.keys(draft.settings).map((name) => `triggerSettings.${name}`)]);
  draft.stages.forEach((_, index) => ["delay", "subject", "offerPoints"].forEach((name) => shown.add(`stages[${index}].${name}`)));
  return [...byKey.entries()].filter(([key]) => !shown.has(key)).flatMap(([key, messages]) => messages.map((message) => ({ key, message })));
}
