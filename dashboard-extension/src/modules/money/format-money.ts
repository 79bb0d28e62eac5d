/*
 * Money as staff read it: the currency's own number of decimals (USD 2, JPY 0, KWD 3),
 * taken from Intl, never hard-coded per currency.
 */

export interface MoneyLike {
  amount: number;
  currency: string;
}

const formatterCache = new Map<string, Intl.NumberFormat>();

function currencyFormatter(currency: string, locale: string, compact: boolean): Intl.NumberFormat {
  const key = `${locale}|${currency}|${compact ? "c" : "f"}`;
  let formatter = formatterCache.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, {
      style: "currency",
      currency,
      ...(compact ? { notation: "compact", maximumFractionDigits: 1 } : {}),
    });
    formatterCache.set(key, formatter);
  }
  return formatter;
}

/** Decimals the currency uses (ISO 4217 minor units as Intl knows them). */
export function currencyFractionDigits(currency: string): number {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions()
    .maximumFractionDigits ?? 2;
}

/** `formatMoney(1234.5, "USD")` → "$1,234.50"; JPY has no decimals, KWD three. */
export function formatMoney(amount: number, currency: string, locale = "en-US"): string {
  return currencyFormatter(currency, locale, false).format(amount);
}

export function formatMoneyObject(money: MoneyLike | null | undefined, locale = "en-US"): string {
  if (!money) {
    return "—";
  }
  return formatMoney(money.amount, money.currency, locale);
}

/** Short form for chart axes: "$1.2K", "¥3.4M". */
export function formatMoneyCompact(amount: number, currency: string, locale = "en-US"): string {
  return currencyFormatter(currency, locale, true).format(amount);
}

/** Rounds an amount to the currency's precision (e.g. points × point value). */
export function roundToCurrency(amount: number, currency: string): number {
  const factor = 10 ** currencyFractionDigits(currency);
  return Math.round(amount * factor) / factor;
}

export function formatPercent(share: number, locale = "en-US", fractionDigits = 1): string {
  return new Intl.NumberFormat(locale, {
    style: "percent",
    minimumFractionDigits: 0,
    maximumFractionDigits: fractionDigits,
  }).format(share);
}

export function formatInteger(value: number, locale = "en-US"): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}
