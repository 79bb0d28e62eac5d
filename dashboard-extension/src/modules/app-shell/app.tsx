import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { Box, Text } from "@saleor/macaw-ui-next";

import { AppPage } from "../app-page/app-page";
import { CustomerWidget } from "../customer-widget/customer-widget";
import { OrderWidget } from "../order-widget/order-widget";
import { useRoute } from "../routing/use-route";
import { EmptyState, Loading } from "../ui/states";

/** Thin entry: waits for the Dashboard's handshake, then the URL picks the view. */
export function App() {
  const { appBridgeState } = useAppBridge();
  const { route, search, navigate } = useRoute();

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
    return (
      <Box padding={4}>
        <Loading lines={2} />
      </Box>
    );
  }
  const permissions = appBridgeState.user?.permissions;
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
