import { useMemo } from "react";
import { useMutation, useQuery } from "urql";

import { JourneyCreateDocument, JourneyUpdateDocument, type JourneyKindEnum, type JourneyUpdateInput, JourneysDocument } from "../../generated/graphql";
import { periodStart } from "../cart-recovery/use-cart-recovery";

export interface SaveResult {
  errors: { field?: string | null; path?: string | null; message?: string | null }[];
}

/**
 * The channel's journeys with their figures for the period, and the two ways to change
 * them: create a built-in kind (enabled), update one. A created journey is not in the
 * cached list (urql invalidates by the types an answer held; an empty list held none),
 * so the list is fetched again after each save.
 */
export function useJourneys(channel: string, periodDays: number | null) {
  const variables = useMemo(() => {
    const gte = periodStart(periodDays);
    return { channel, period: gte ? { gte } : null };
  }, [channel, periodDays]);
  const [journeys, refetch] = useQuery({ query: JourneysDocument, variables });
  const [createState, create] = useMutation(JourneyCreateDocument);
  const [updateState, update] = useMutation(JourneyUpdateDocument);

  const settle = (response: { error?: { message: string }; data?: { errors: SaveResult["errors"] } | null }): SaveResult => {
    const errors = response.error ? [{ message: response.error.message }] : (response.data?.errors ?? []);
    if (errors.length === 0) refetch({ requestPolicy: "network-only" });
    return { errors };
  };

  return {
    journeys,
    saving: createState.fetching || updateState.fetching,
    enableKind: async (kind: JourneyKindEnum) => {
      const response = await create({ input: { channel, kind, enabled: true } });
      return settle({ error: response.error, data: response.data?.journeyCreate });
    },
    updateJourney: async (id: string, input: JourneyUpdateInput) => {
      const response = await update({ id, input });
      return settle({ error: response.error, data: response.data?.journeyUpdate });
    },
  };
}
