import { useQuery } from "urql";

import { RfmGroupCountsDocument, TopCustomersDocument } from "../../generated/graphql";

export function useTopCustomers(channel: string, topPercent: number) {
  const [report] = useQuery({ query: TopCustomersDocument, variables: { channel, topPercent } });
  const [rfm] = useQuery({ query: RfmGroupCountsDocument, variables: { channel } });
  return { report, rfm };
}
