import { AppBridgeProvider, useAppBridge } from "@saleor/app-sdk/app-bridge";
import { ThemeProvider } from "@saleor/macaw-ui-next";
import { type ReactNode, useMemo } from "react";
import { Provider as UrqlProvider } from "urql";

import { appBridgeInstance } from "./app-bridge-instance";
import { createGraphQLClient } from "./graphql-client";
import { ThemeSynchronizer } from "./theme-synchronizer";

function GraphQLProvider({ children }: { children: ReactNode }) {
  const { appBridge, appBridgeState } = useAppBridge();
  const saleorApiUrl = appBridgeState?.saleorApiUrl;
  const client = useMemo(
    () => (appBridge && saleorApiUrl ? createGraphQLClient(appBridge, saleorApiUrl) : null),
    [appBridge, saleorApiUrl],
  );
  if (!client) {
    return <>{children}</>;
  }
  return <UrqlProvider value={client}>{children}</UrqlProvider>;
}

/** The one provider stack: macaw-ui theme → AppBridge → GraphQL client. */
export function Providers({ children }: { children: ReactNode }) {
  return (
    <ThemeProvider>
      <AppBridgeProvider appBridgeInstance={appBridgeInstance}>
        <ThemeSynchronizer />
        <GraphQLProvider>{children}</GraphQLProvider>
      </AppBridgeProvider>
    </ThemeProvider>
  );
}
