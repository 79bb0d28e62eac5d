import { Select } from "@saleor/macaw-ui-next";

import type { ChannelChoice } from "./use-channel";

export function ChannelSelect({ channels, value, onChange }: { channels: readonly ChannelChoice[]; value: string; onChange: (slug: string) => void }) {
  const options = channels.map((channel) => ({ value: channel.slug, label: `${channel.name} (${channel.currencyCode})` }));
  return (
    <Select
      label="Channel"
      size="small"
      options={options}
      value={options.find((option) => option.value === value) ?? null}
      onChange={(option) => option && onChange(option.value)}
      data-testid="channel-select"
      __minWidth="220px"
    />
  );
}
