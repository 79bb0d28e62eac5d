import { describe, expect, it } from "vitest";

import { FIELD_SPECS, valueKind } from "./condition-fields";
import { defaultValueFor, formatValueInput, parseDaysInput, parseValueInput } from "./value-input";

describe("value input", () => {
  it("parses what formatValueInput shows, for every field and operator", () => {
    const samples: Record<string, unknown> = {
      amount: 12.5,
      integer: 7,
      score: 3,
      range: [1, 4],
      boolean: false,
      text: "VIP",
      "text-list": ["gold", "silver"],
      "text-or-list": ["default-channel", "channel-pln"],
    };
    for (const spec of FIELD_SPECS) {
      for (const op of spec.operators) {
        const kind = valueKind(spec, op);
        let value = samples[kind] as never;
        if (spec.name === "country") value = (kind === "text" ? "DE" : ["DE", "AT"]) as never;
        const parsed = parseValueInput(spec.name, op, formatValueInput(value));
        expect(parsed, `${spec.name} ${op}`).toEqual({ ok: true, value });
      }
    }
  });

  it("checks bounds from docs/segments.md", () => {
    expect(parseValueInput("total_spent", "gt", "12.3456")).toEqual({ ok: false, message: "At most 3 decimal places." });
    expect(parseValueInput("total_spent", "gt", "-1")).toEqual({ ok: false, message: "Must not be negative." });
    expect(parseValueInput("total_spent", "gt", "1e3")).toEqual({ ok: false, message: '"1e3" is not a number.' });
    expect(parseValueInput("order_count", "gte", "2.5")).toEqual({ ok: false, message: "Enter a whole number." });
    expect(parseValueInput("rfm_recency", "eq", "6")).toEqual({ ok: false, message: "Scores go from 1 to 5." });
    expect(parseValueInput("days_since_last_order", "gt", "36501")).toEqual({ ok: false, message: "At most 36500 days." });
    expect(parseValueInput("order_count", "between", "5, 2")).toEqual({ ok: false, message: "The low end is above the high end." });
    expect(parseValueInput("order_count", "between", "5")).toEqual({ ok: false, message: "Enter two numbers: low, high." });
    expect(parseValueInput("country", "in", "de, Austria")).toEqual({ ok: false, message: '"Austria" is not a two-letter country code.' });
    expect(parseValueInput("tags", "gt", "3")).toEqual({ ok: false, message: '"gt" does not apply to Tags.' });
    expect(parseValueInput("shoe_size", "eq", "3")).toEqual({ ok: false, message: "Unknown field shoe_size." });
    expect(parseValueInput("marketing_consent", "eq", "maybe")).toEqual({ ok: false, message: "Choose yes or no." });
  });

  it("reads friendly forms", () => {
    expect(parseValueInput("country", "in", "de, at")).toEqual({ ok: true, value: ["DE", "AT"] });
    expect(parseValueInput("total_spent", "between", "100 to 250.5")).toEqual({ ok: true, value: [100, 250.5] });
    expect(parseValueInput("channel", "ordered_in", " default-channel ")).toEqual({ ok: true, value: "default-channel" });
    expect(parseValueInput("marketing_consent", "eq", "Yes")).toEqual({ ok: true, value: true });
  });

  it("reads the days window", () => {
    expect(parseDaysInput("")).toEqual({ ok: true, days: undefined });
    expect(parseDaysInput("365")).toEqual({ ok: true, days: 365 });
    expect(parseDaysInput("0")).toEqual({ ok: false, message: "From 1 to 3650 days." });
    expect(parseDaysInput("3651")).toEqual({ ok: false, message: "From 1 to 3650 days." });
  });

  it("keeps a value that still fits a new operator", () => {
    expect(defaultValueFor("order_count", "gte", 3)).toBe(3);
    expect(defaultValueFor("order_count", "between", 3)).toBeUndefined();
    expect(defaultValueFor("loyalty_tier", "in", "Gold")).toEqual(["Gold"]);
    expect(defaultValueFor("loyalty_tier", "eq", ["Gold", "Silver"])).toBe("Gold");
  });
});
