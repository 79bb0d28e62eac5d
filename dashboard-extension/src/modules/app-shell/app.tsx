import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { Box, Text } from "@saleor/macaw-ui-next";
import { useEffect, useReducer, useState } from "react";

import { AppPage } from "../app-page/app-page";
import { CustomerWidget } from "../customer-widget/customer-widget";
import { OrderWidget } from "../order-widget/order-widget";
import { tokenPermissions } from "../permissions/token-permissions";
import { useRoute } from "../routing/use-route";
import { EmptyState, Loading } from "../ui/states";

const TOKEN_WAIT_MS = 10_000;

/** Thin entry: waits for the Dashboard's handshake, then the URL picks the view. */
export function App() {
  const { appBridge, appBridgeState: subscribedState } = useAppBridge();
  // useAppBridge reads the state once, then subscribes in an effect: a handshake that
  // lands in between (the Dashboard answers notifyReady at once) would be missed until
  // the next event. Read the bridge itself, and look again once mounted.
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  useEffect(() => {
    if (appBridge?.getState().ready) rerender();
  }, [appBridge]);
  const appBridgeState = appBridge?.getState() ?? subscribedState;
  const { route, search, navigate } = useRoute();
  const [waitedLong, setWaitedLong] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setWaitedLong(true), TOKEN_WAIT_MS);
    return () => clearTimeout(timer);
  }, []);

  if (typeof window !== "undefined" && window.parent === window) {
    return (
      <Box padding={6}>
        <EmptyState title="Open the CRM from the Saleor Dashboard">
          This page is a Saleor Dashboard extension: it runs inside the Dashboard, which gives it your session. Open a customer, an order, or Customers → CRM there.
        </EmptyState>
      </Box>
    );
  }
  if (!appBridgeState?.ready || !appBridgeState.token) {
    if (waitedLong) {
      return (
        <Box padding={4}>
          <EmptyState title="The Dashboard gave this view no session">
            Saleor issues one only to staff who hold every permission the extension asks for (see docs/dashboard.md: customer widget and CRM page need Manage customers, the order widget Manage orders and Manage customers). Ask an administrator to add them to your permission group, and check that the CRM app is active (Extensions → Installed).
          </EmptyState>
        </Box>
      );
    }
    return (
      <Box padding={4}>
        <Loading lines={2} />
      </Box>
    );
  }
  // What requests with this token may do (a widget's token: its extension's permissions).
  const permissions = tokenPermissions(appBridgeState.token)?.permissions ?? appBridgeState.user?.permissions;
  switch (route.view) {
    case "customer-widget":
      return <CustomerWidget customerId={route.customerId} channel={route.channel} permissions={permissions} />;
    case "order-widget":
      return <OrderWidget orderId={route.orderId} permissions={permissions} />;
    case "app":
      return <AppPage route={route} search={search} navigate={navigate} permissions={permissions} />;
    case "not-found":
      return (
        <Box padding={4}>
          <Text>Nothing here: {route.path}</Text>
        </Box>
      );
  }
}
