import { useQuery } from "urql";

import { RfmGridDocument, TopCustomersDocument } from "../../generated/graphql";

export function useTopCustomers(channel: string, topPercent: number) {
  const [report] = useQuery({ query: TopCustomersDocument, variables: { channel, topPercent } });
  const [rfm] = useQuery({ query: RfmGridDocument, variables: { channel } });
  return { report, rfm };
}
