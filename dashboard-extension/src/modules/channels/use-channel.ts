import { useMemo } from "react";
import { useQuery } from "urql";

import { CrmChannelsDocument } from "../../generated/graphql";

export interface ChannelChoice {
  slug: string;
  name: string;
  currencyCode: string;
  id: string;
}

/**
 * The channel a view works in: the one the URL names (`?channel=`), else the first active
 * channel. Each channel is its own programme (currency, rates, tiers).
 */
export function useChannel(requested: string | null) {
  const [result] = useQuery({ query: CrmChannelsDocument });
  const channels: ChannelChoice[] = useMemo(
    () => (result.data?.channels ?? []).map(({ id, slug, name, currencyCode }) => ({ id, slug, name, currencyCode })),
    [result.data],
  );
  const active = result.data?.channels?.filter((channel) => channel.isActive) ?? [];
  const channel = channels.find((choice) => choice.slug === requested) ?? active[0] ?? channels[0] ?? null;
  return { channels, channel, fetching: result.fetching && !result.data, error: result.error };
}
