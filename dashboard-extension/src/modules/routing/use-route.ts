import { useCallback, useEffect, useState } from "react";

import { type Route, resolveRoute } from "./resolve-route";

export const BASE_PATH = import.meta.env.BASE_URL;

/** The current route from the iframe's URL; `navigate` moves within the app page. */
export function useRoute(): { route: Route; search: string; navigate: (href: string) => void } {
  const [location, setLocation] = useState(() => ({ pathname: window.location.pathname, search: window.location.search }));

  useEffect(() => {
    const onPop = () => setLocation({ pathname: window.location.pathname, search: window.location.search });
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  const navigate = useCallback((href: string) => {
    window.history.pushState(null, "", href);
    setLocation({ pathname: window.location.pathname, search: window.location.search });
  }, []);

  return { route: resolveRoute(location.pathname, location.search, BASE_PATH), search: location.search, navigate };
}
