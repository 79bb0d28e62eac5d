import { useQuery } from "urql";

import { AbandonedCheckoutListDocument, CartRecoveryOverviewDocument, type AbandonedCheckoutStatusEnum } from "../../generated/graphql";

export function periodStart(days: number | null, now = new Date()): string | null {
  if (days === null) return null;
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

export function useCartRecovery(channel: string, periodDays: number | null, list: { status: AbandonedCheckoutStatusEnum[] | null; search: string; after: string | null }) {
  const gte = periodStart(periodDays);
  const [stats] = useQuery({ query: CartRecoveryOverviewDocument, variables: { channel, period: gte ? { gte } : null } });
  const [checkouts] = useQuery({
    query: AbandonedCheckoutListDocument,
    variables: { channel, status: list.status, search: list.search || null, after: list.after },
  });
  return { stats, checkouts };
}
