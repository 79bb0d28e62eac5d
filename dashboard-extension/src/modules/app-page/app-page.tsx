import { Box, Button, Text } from "@saleor/macaw-ui-next";

import { CartRecoveryTab } from "../cart-recovery/cart-recovery-tab";
import { ChannelSelect } from "../channels/channel-select";
import { useChannel } from "../channels/use-channel";
import { JourneysTab } from "../journeys/journeys-tab";
import { LoyaltyTab } from "../loyalty-programme/loyalty-tab";
import { missingPermissions } from "../permissions/describe-error";
import { type AppTab, type Route, appTabHref } from "../routing/resolve-route";
import { BASE_PATH } from "../routing/use-route";
import { SegmentsTab } from "../segments/segments-tab";
import { SettingsTab } from "../settings/settings-tab";
import { TopCustomersTab } from "../top-customers/top-customers-tab";
import { EmptyState, ErrorNotice, Loading, MissingPermission } from "../ui/states";

const TABS: { tab: AppTab; label: string; permissions: string[] }[] = [
  { tab: "segments", label: "Segments", permissions: ["MANAGE_USERS"] },
  { tab: "top-customers", label: "Top customers", permissions: ["MANAGE_USERS"] },
  { tab: "loyalty", label: "Loyalty programme", permissions: ["MANAGE_USERS"] },
  { tab: "cart-recovery", label: "Cart recovery", permissions: ["MANAGE_CHECKOUTS"] },
  { tab: "journeys", label: "Journeys", permissions: ["MANAGE_USERS"] },
  { tab: "settings", label: "Programme settings", permissions: ["MANAGE_PLUGINS"] },
];

function segmentHref(search: string, id: string | null): string {
  const [path, query] = appTabHref(BASE_PATH, "segments", search, { draft: null }).split("?");
  return `${path}${id ? `/${encodeURIComponent(id)}` : ""}${query ? `?${query}` : ""}`;
}

type AppRoute = Extract<Route, { view: "app" }>;

/** NAVIGATION_CUSTOMERS → the CRM page: one tab per job, one channel at a time. */
export function AppPage({ route, search, navigate, permissions }: { route: AppRoute; search: string; navigate: (href: string) => void; permissions: readonly string[] | undefined }) {
  const { channels, channel, fetching, error } = useChannel(route.channel);
  const current = TABS.find((tab) => tab.tab === route.tab) ?? TABS[0]!;
  const missing = missingPermissions(permissions, current.permissions);
  const go = (tab: AppTab, extra: Record<string, string | null> = {}) => navigate(appTabHref(BASE_PATH, tab, search, extra));

  return (
    <Box padding={6} display="flex" flexDirection="column" gap={6} data-testid="app-page">
      <Box display="flex" justifyContent="space-between" alignItems="flex-end" gap={4} flexWrap="wrap">
        <Text size={8} fontWeight="bold" as="h1">
          CRM
        </Text>
        {channel ? <ChannelSelect channels={channels} value={channel.slug} onChange={(slug) => go(route.tab, { channel: slug })} /> : null}
      </Box>
      <Box display="flex" gap={2} flexWrap="wrap" as="nav" role="tablist">
        {TABS.map((tab) => (
          <Button
            key={tab.tab}
            role="tab"
            aria-selected={tab.tab === current.tab}
            variant={tab.tab === current.tab ? "primary" : "tertiary"}
            onClick={() => go(tab.tab)}
            data-testid={`tab-${tab.tab}`}
          >
            {tab.label}
          </Button>
        ))}
      </Box>
      {missing.length > 0 ? (
        <MissingPermission permissions={missing} what={current.label} />
      ) : current.tab === "settings" ? (
        <SettingsTab channelSlug={channel?.slug ?? null} />
      ) : fetching ? (
        <Loading />
      ) : error ? (
        <ErrorNotice error={error} what="the channels" />
      ) : !channel ? (
        <EmptyState title="No channels">Create a channel first; each channel is its own programme.</EmptyState>
      ) : current.tab === "segments" ? (
        <SegmentsTab channel={channel} segmentId={route.segmentId} draft={new URLSearchParams(search).get("draft")} openSegment={(id) => navigate(segmentHref(search, id))} />
      ) : current.tab === "top-customers" ? (
        <TopCustomersTab channel={channel} openSegmentBuilder={(definition) => go("segments", { draft: definition })} />
      ) : current.tab === "loyalty" ? (
        <LoyaltyTab channel={channel} />
      ) : current.tab === "journeys" ? (
        <JourneysTab channel={channel} />
      ) : (
        <CartRecoveryTab channel={channel} />
      )}
    </Box>
  );
}
