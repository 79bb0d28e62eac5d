import { useCallback, useMemo } from "react";
import { useClient, useQuery } from "urql";

import {
  BuilderCategorySearchDocument,
  BuilderCountriesDocument,
  BuilderProductSearchDocument,
  CustomerTagsDocument,
  SegmentBuilderChoicesDocument,
} from "../../generated/graphql";
import type { ChannelChoice } from "../channels/use-channel";
import { TAG_SUGGESTIONS, tagOptions } from "../tags/tag-options";
import type { BuilderChoices, SearchedPicker } from "./segment-builder";
import { RFM_GROUPS } from "./condition-fields";
import type { PickerOption } from "./picker-options";

/** What the builder suggests for values: the channel's tiers, channels, RFM groups, countries; products, categories and tags in use by search. */
export function useBuilderChoices(channel: string, channels: readonly ChannelChoice[]): BuilderChoices {
  const [program] = useQuery({ query: SegmentBuilderChoicesDocument, variables: { channel } });
  const [shop] = useQuery({ query: BuilderCountriesDocument });
  const client = useClient();

  const search = useCallback(
    async (picker: SearchedPicker, term: string): Promise<PickerOption[]> => {
      if (picker === "tag") {
        const result = await client.query(CustomerTagsDocument, { search: term || null, first: TAG_SUGGESTIONS }).toPromise();
        return tagOptions(result.data?.customerTags ?? []);
      }
      if (picker === "product") {
        const result = await client.query(BuilderProductSearchDocument, { search: term, channel }).toPromise();
        return result.data?.products?.edges.map(({ node }) => ({ value: node.slug, label: node.name })) ?? [];
      }
      const result = await client.query(BuilderCategorySearchDocument, { search: term }).toPromise();
      return result.data?.categories?.edges.map(({ node }) => ({ value: node.slug, label: node.name })) ?? [];
    },
    [client, channel],
  );

  return useMemo(
    () => ({
      tiers: program.data?.loyaltyProgram?.tiers.map((tier) => ({ value: tier.name, label: tier.name })) ?? [],
      channels: channels.map((choice) => ({ value: choice.slug, label: choice.name })),
      rfmGroups: RFM_GROUPS.map((group) => ({ value: group.slug, label: group.label })),
      countries: shop.data?.shop.countries.map((country) => ({ value: country.code, label: country.country })) ?? [],
      search,
    }),
    [program.data, shop.data, channels, search],
  );
}
