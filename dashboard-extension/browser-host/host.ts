/*
 * Plays the Saleor Dashboard's part for the browser tests (tests/dashboard/browser/):
 * loads one extension URL in an iframe, as the Dashboard 3.23 does, and speaks to it
 * with @saleor/app-sdk's own DashboardEventFactory events: the handshake with a token
 * Saleor minted, the theme, a response to every action; a widget's reported height
 * sizes its frame.
 *
 * Query parameters: `src` (the extension URL with the Dashboard's parameters), `token`,
 * `height` (the iframe's height; widgets report theirs and the host follows).
 */
import { DashboardEventFactory } from "@saleor/app-sdk/app-bridge";

const params = new URLSearchParams(window.location.search);
const src = params.get("src") ?? "";
const frame = document.getElementById("frame") as HTMLIFrameElement;
const appOrigin = new URL(src).origin;
frame.style.height = `${params.get("height") ?? 900}px`;

function send(event: unknown) {
  frame.contentWindow?.postMessage(event, appOrigin);
}

window.addEventListener("message", (message: MessageEvent) => {
  if (message.source !== frame.contentWindow) return;
  const action = message.data as { type?: string; payload?: { actionId?: string; height?: number } };
  if (action.type === "widgetResize" && action.payload?.height) {
    frame.style.height = `${action.payload.height}px`;
  }
  if (action.payload?.actionId) {
    send(DashboardEventFactory.createDispatchResponseEvent(action.payload.actionId, true));
  }
  // As the Dashboard: the app says it is ready, the Dashboard answers with the session.
  if (action.type === "notifyReady") handshake();
});

function handshake() {
  send(DashboardEventFactory.createHandshakeEvent(params.get("token") ?? "", 1, { dashboard: "3.23.27", core: "3.23.28" }));
  send(DashboardEventFactory.createThemeChangeEvent("light"));
}

frame.addEventListener("load", handshake);
frame.src = src;
