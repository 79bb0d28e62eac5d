import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { useTheme } from "@saleor/macaw-ui-next";
import { useEffect } from "react";

/** Follows the Dashboard's light/dark theme (as saleor/apps' ThemeSynchronizer). */
export function ThemeSynchronizer() {
  const { appBridgeState } = useAppBridge();
  const { setTheme } = useTheme();

  useEffect(() => {
    if (appBridgeState?.theme === "light") setTheme("defaultLight");
    if (appBridgeState?.theme === "dark") setTheme("defaultDark");
  }, [appBridgeState?.theme, setTheme]);

  return null;
}
