import { useMemo } from "react";
import { useQuery } from "urql";

import { AbandonedCheckoutListDocument, CartRecoveryOverviewDocument, type AbandonedCheckoutStatusEnum } from "../../generated/graphql";

/** The period's start, on a whole hour so that the query (and its cache key) stays put. */
export function periodStart(days: number | null, now = new Date()): string | null {
  if (days === null) return null;
  const start = new Date(now.getTime() - days * 86_400_000);
  start.setUTCMinutes(0, 0, 0);
  return start.toISOString();
}

export function useCartRecovery(channel: string, periodDays: number | null, list: { status: AbandonedCheckoutStatusEnum[] | null; search: string; after: string | null }) {
  const variables = useMemo(() => {
    const gte = periodStart(periodDays);
    return { channel, period: gte ? { gte } : null };
  }, [channel, periodDays]);
  const [stats] = useQuery({ query: CartRecoveryOverviewDocument, variables });
  const [checkouts] = useQuery({
    query: AbandonedCheckoutListDocument,
    // The same checkouts as the figures: those detected in the period.
    variables: { channel, status: list.status, search: list.search || null, after: list.after, detectedAt: variables.period },
  });
  return { stats, checkouts };
}
