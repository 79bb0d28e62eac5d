/*
 * The iframe's URL decides the view. The Dashboard loads each extension's URL (see
 * docs/dashboard.md) and adds its own query parameters: `id` (the app), `domain`,
 * `saleorApiUrl`, `theme`, `locale`, and `customerId` / `orderId` on detail widgets.
 *
 *   <base>widgets/customer?customerId=…   CUSTOMER_DETAILS_WIDGETS
 *   <base>widgets/order?orderId=…         ORDER_DETAILS_WIDGETS
 *   <base>app[/<tab>]                     NAVIGATION_CUSTOMERS (APP_PAGE)
 */

export const APP_TABS = ["segments", "top-customers", "loyalty", "cart-recovery", "journeys", "settings"] as const;
export type AppTab = (typeof APP_TABS)[number];

export type Route =
  | { view: "customer-widget"; customerId: string | null; channel: string | null }
  | { view: "order-widget"; orderId: string | null }
  | { view: "app"; tab: AppTab; segmentId: string | null; channel: string | null }
  | { view: "not-found"; path: string };

function relativePath(pathname: string, base: string): string {
  const normalisedBase = base.endsWith("/") ? base : `${base}/`;
  let path = pathname;
  if (path.startsWith(normalisedBase)) {
    path = path.slice(normalisedBase.length);
  } else if (`${path}/` === normalisedBase) {
    path = "";
  }
  return path.replace(/^\/+|\/+$/g, "").replace(/\/index\.html$|^index\.html$/, "");
}

function decodePart(part: string | undefined): string | null {
  if (part === undefined) return null;
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function resolveRoute(pathname: string, search: string, base: string): Route {
  const params = new URLSearchParams(search);
  const path = relativePath(pathname, base);
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "widgets" && parts[1] === "customer" && parts.length === 2) {
    return { view: "customer-widget", customerId: params.get("customerId"), channel: params.get("channel") };
  }
  if (parts[0] === "widgets" && parts[1] === "order" && parts.length === 2) {
    return { view: "order-widget", orderId: params.get("orderId") };
  }
  if (parts.length === 0 || parts[0] === "app") {
    const tab = (APP_TABS as readonly string[]).includes(parts[1] ?? "") ? (parts[1] as AppTab) : "segments";
    // segmentHref() encodes the id (global ids end in "="): decode it back.
    const segmentId = tab === "segments" ? (decodePart(parts[2]) ?? params.get("segmentId")) : null;
    return { view: "app", tab, segmentId: segmentId ?? null, channel: params.get("channel") };
  }
  return { view: "not-found", path };
}

/** The path of an app tab, keeping the Dashboard's query parameters. */
export function appTabHref(base: string, tab: AppTab, search: string, extra: Record<string, string | null> = {}): string {
  const normalisedBase = base.endsWith("/") ? base : `${base}/`;
  const params = new URLSearchParams(search);
  for (const [key, value] of Object.entries(extra)) {
    if (value === null) params.delete(key);
    else params.set(key, value);
  }
  const query = params.toString();
  return `${normalisedBase}app/${tab}${query ? `?${query}` : ""}`;
}
