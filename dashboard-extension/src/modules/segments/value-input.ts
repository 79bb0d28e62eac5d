/*
 * A row's value as staff type it, and back: "500", "10, 20" for `between`,
 * "Gold, Silver" for lists, "yes"/"no" for consent. Parsing checks what docs/segments.md
 * lists as bounds, so the builder can point at the row before the server does.
 */

import type { FieldSpec, Operator, ValueKind } from "./condition-fields";
import { fieldSpec, valueKind } from "./condition-fields";
import type { ConditionValue } from "./condition-tree";

export type ParseResult = { ok: true; value: ConditionValue } | { ok: false; message: string };

const MAX_AMOUNT = 1e15;
const MAX_DAYS_SINCE = 36_500;

function splitList(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function parseNumber(text: string, kind: "amount" | "integer" | "score", spec: FieldSpec): ParseResult {
  const trimmed = text.trim();
  if (trimmed === "") {
    return { ok: false, message: "Enter a number." };
  }
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) {
    return { ok: false, message: `"${trimmed}" is not a number.` };
  }
  const value = Number(trimmed);
  if (value < 0) {
    return { ok: false, message: "Must not be negative." };
  }
  if (kind === "amount") {
    const decimals = trimmed.split(".")[1]?.length ?? 0;
    if (decimals > 3) {
      return { ok: false, message: "At most 3 decimal places." };
    }
    if (value >= MAX_AMOUNT) {
      return { ok: false, message: "Too large." };
    }
    return { ok: true, value };
  }
  if (!Number.isInteger(value)) {
    return { ok: false, message: "Enter a whole number." };
  }
  if (kind === "score" && (value < 1 || value > 5)) {
    return { ok: false, message: "Scores go from 1 to 5." };
  }
  if (spec.unit === "days" && value > MAX_DAYS_SINCE) {
    return { ok: false, message: `At most ${MAX_DAYS_SINCE} days.` };
  }
  if (!Number.isSafeInteger(value)) {
    return { ok: false, message: "Too large." };
  }
  return { ok: true, value };
}

function parseByKind(kind: ValueKind, text: string, spec: FieldSpec): ParseResult {
  switch (kind) {
    case "amount":
    case "integer":
    case "score":
      return parseNumber(text, kind, spec);
    case "range": {
      const parts = text.split(/,|\s+(?:and|to|-)\s+|\s*…\s*/).map((part) => part.trim()).filter(Boolean);
      if (parts.length !== 2) {
        return { ok: false, message: "Enter two numbers: low, high." };
      }
      const sideKind = spec.numberKind ?? "amount";
      const low = parseNumber(parts[0] ?? "", sideKind, spec);
      const high = parseNumber(parts[1] ?? "", sideKind, spec);
      if (!low.ok) return low;
      if (!high.ok) return high;
      if ((low.value as number) > (high.value as number)) {
        return { ok: false, message: "The low end is above the high end." };
      }
      return { ok: true, value: [low.value as number, high.value as number] };
    }
    case "text": {
      const trimmed = text.trim();
      return trimmed ? { ok: true, value: trimmed } : { ok: false, message: "Enter a value." };
    }
    case "text-list": {
      const items = splitList(text);
      return items.length > 0 ? { ok: true, value: items } : { ok: false, message: "Enter at least one value." };
    }
    case "text-or-list": {
      const items = splitList(text);
      if (items.length === 0) {
        return { ok: false, message: "Enter at least one value." };
      }
      return { ok: true, value: items.length === 1 ? (items[0] as string) : items };
    }
    case "boolean": {
      const normalized = text.trim().toLowerCase();
      if (["yes", "true", "granted"].includes(normalized)) return { ok: true, value: true };
      if (["no", "false", "refused"].includes(normalized)) return { ok: true, value: false };
      return { ok: false, message: "Choose yes or no." };
    }
  }
}

function checkCountry(value: ConditionValue): string | null {
  const codes = Array.isArray(value) ? value : [value];
  const bad = codes.find((code) => typeof code !== "string" || !/^[A-Za-z]{2}$/.test(code));
  return bad === undefined ? null : `"${String(bad)}" is not a two-letter country code.`;
}

/** Parses what staff typed for `field op …`. */
export function parseValueInput(field: string, op: string, text: string): ParseResult {
  const spec = fieldSpec(field);
  if (!spec) {
    return { ok: false, message: `Unknown field ${field}.` };
  }
  if (!spec.operators.includes(op as Operator)) {
    return { ok: false, message: `"${op}" does not apply to ${spec.label}.` };
  }
  const result = parseByKind(valueKind(spec, op as Operator), text, spec);
  if (!result.ok) {
    return result;
  }
  if (spec.name === "country") {
    const problem = checkCountry(result.value);
    if (problem) {
      return { ok: false, message: problem };
    }
    const upper = Array.isArray(result.value)
      ? result.value.map((code) => String(code).toUpperCase())
      : String(result.value).toUpperCase();
    return { ok: true, value: upper };
  }
  return result;
}

/** The text shown in a row's value box for a stored value. */
export function formatValueInput(value: ConditionValue | undefined): string {
  if (value === undefined) {
    return "";
  }
  if (typeof value === "boolean") {
    return value ? "yes" : "no";
  }
  if (Array.isArray(value)) {
    return value.map(String).join(", ");
  }
  return String(value);
}

/** `days` (1 … 3650) as typed; empty removes the window. */
export function parseDaysInput(text: string): { ok: true; days: number | undefined } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === "") {
    return { ok: true, days: undefined };
  }
  if (!/^\d+$/.test(trimmed)) {
    return { ok: false, message: "Enter whole days." };
  }
  const days = Number(trimmed);
  if (days < 1 || days > 3650) {
    return { ok: false, message: "From 1 to 3650 days." };
  }
  return { ok: true, days };
}

/** A value that suits `op` after staff change the operator (kept when it still fits). */
export function defaultValueFor(field: string, op: string, previous: ConditionValue | undefined): ConditionValue | undefined {
  const spec = fieldSpec(field);
  if (!spec || previous === undefined) {
    return undefined;
  }
  const kind = valueKind(spec, op as Operator);
  const fits =
    (kind === "range" && Array.isArray(previous) && previous.length === 2) ||
    ((kind === "amount" || kind === "integer" || kind === "score") && typeof previous === "number") ||
    (kind === "boolean" && typeof previous === "boolean") ||
    (kind === "text" && typeof previous === "string") ||
    (kind === "text-list" && Array.isArray(previous)) ||
    (kind === "text-or-list" && (typeof previous === "string" || Array.isArray(previous)));
  if (fits) {
    return previous;
  }
  if (kind === "text-list" && typeof previous === "string") {
    return [previous];
  }
  if (kind === "text" && Array.isArray(previous) && previous.length > 0) {
    return String(previous[0]);
  }
  return undefined;
}
