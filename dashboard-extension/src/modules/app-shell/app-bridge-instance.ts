import { AppBridge } from "@saleor/app-sdk/app-bridge";

/*
 * One AppBridge per page (React 18 StrictMode mounts twice; saleor/apps keeps the same
 * singleton). It answers the Dashboard's handshake, keeps the token fresh and reports
 * the theme; it accepts messages only from document.referrer's origin.
 */
export const appBridgeInstance: AppBridge | undefined =
  typeof window !== "undefined" && window.parent !== window ? new AppBridge({ autoNotifyReady: true }) : undefined;
