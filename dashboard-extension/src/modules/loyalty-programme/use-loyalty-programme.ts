import { useEffect, useState } from "react";
import { useClient, useQuery } from "urql";

import { LoyaltyProgrammeOverviewDocument, LoyaltyTierCountDocument } from "../../generated/graphql";

/** The programme, its accounts and, per tier, how many accounts are in it. */
export function useLoyaltyProgramme(channel: string) {
  const [overview] = useQuery({ query: LoyaltyProgrammeOverviewDocument, variables: { channel } });
  const client = useClient();
  const tierNames = overview.data?.loyaltyProgram?.tiers.map((tier) => tier.name) ?? [];
  const tierKey = tierNames.join("\n");
  const [tierCounts, setTierCounts] = useState<Record<string, number> | null>(null);

  useEffect(() => {
    let cancelled = false;
    const names = tierKey ? tierKey.split("\n") : [];
    Promise.all(
      names.map(async (tier) => {
        const result = await client.query(LoyaltyTierCountDocument, { channel, tier }).toPromise();
        return [tier, result.data?.loyaltyAccounts?.totalCount ?? 0] as const;
      }),
    ).then((pairs) => {
      if (!cancelled) setTierCounts(Object.fromEntries(pairs));
    });
    return () => {
      cancelled = true;
    };
  }, [client, channel, tierKey]);

  return { overview, tierCounts };
}
