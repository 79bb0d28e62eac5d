import { describe, expect, it } from "vitest";

import {
  currencyFractionDigits,
  formatInteger,
  formatMoney,
  formatMoneyCompact,
  formatMoneyObject,
  formatPercent,
  roundToCurrency,
} from "./format-money";

/** Intl separates a currency code or symbol from the figure with a no-break space. */
const plain = (text: string) => text.replace(/\u00a0/g, " ");

describe("formatMoney", () => {
  it("uses two decimals for USD", () => {
    expect(formatMoney(1234.5, "USD")).toBe("$1,234.50");
  });

  it("uses no decimals for JPY", () => {
    expect(formatMoney(1234.5, "JPY")).toBe("¥1,235");
  });

  it("uses three decimals for KWD", () => {
    expect(plain(formatMoney(12.3456, "KWD"))).toBe("KWD 12.346");
  });

  it("formats in the given locale", () => {
    expect(plain(formatMoney(1234.5, "EUR", "de-DE"))).toBe("1.234,50 €");
  });

  it("shows a dash for missing money", () => {
    expect(formatMoneyObject(null)).toBe("—");
    expect(formatMoneyObject({ amount: 8, currency: "USD" })).toBe("$8.00");
  });

  it("formats negative amounts", () => {
    expect(formatMoney(-8, "USD")).toBe("-$8.00");
  });
});

describe("currency precision", () => {
  it.each([
    ["USD", 2],
    ["EUR", 2],
    ["JPY", 0],
    ["KWD", 3],
    ["BHD", 3],
  ])("%s has %i decimals", (currency, digits) => {
    expect(currencyFractionDigits(currency)).toBe(digits);
  });

  it("rounds to the currency's precision", () => {
    expect(roundToCurrency(0.125 * 3, "USD")).toBe(0.38);
    expect(roundToCurrency(99.5, "JPY")).toBe(100);
    expect(roundToCurrency(1.23456, "KWD")).toBe(1.235);
  });
});

describe("short and plain figures", () => {
  it("compacts axis labels", () => {
    expect(formatMoneyCompact(1250, "USD")).toBe("$1.3K");
    expect(formatMoneyCompact(3_400_000, "JPY")).toBe("¥3.4M");
  });

  it("formats shares and counts", () => {
    expect(formatPercent(0.3333)).toBe("33.3%");
    expect(formatPercent(0.8)).toBe("80%");
    expect(formatInteger(12345)).toBe("12,345");
  });
});
