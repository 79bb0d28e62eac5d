import { useCallback } from "react";
import { useMutation, useQuery } from "urql";

import {
  CustomerConsentSetDocument,
  CustomerCrmDocument,
  CustomerPointsAdjustDocument,
  CustomerSegmentsAndRfmDocument,
  CustomerTagsAddDocument,
  CustomerTagsRemoveDocument,
} from "../../generated/graphql";

/** Everything the customer widget reads and writes, for one customer in one channel. */
export function useCustomerCrm(customerId: string, channel: string | null) {
  const paused = !channel;
  const variables = { id: customerId, channel: channel ?? "" };
  const [crm, refetchCrm] = useQuery({ query: CustomerCrmDocument, variables, pause: paused });
  const [segments, refetchSegments] = useQuery({ query: CustomerSegmentsAndRfmDocument, variables, pause: paused });
  const [adjustState, adjust] = useMutation(CustomerPointsAdjustDocument);
  const [, addTags] = useMutation(CustomerTagsAddDocument);
  const [, removeTags] = useMutation(CustomerTagsRemoveDocument);
  const [consentState, setConsent] = useMutation(CustomerConsentSetDocument);

  const refresh = useCallback(() => {
    refetchCrm({ requestPolicy: "network-only" });
    refetchSegments({ requestPolicy: "network-only" });
  }, [refetchCrm, refetchSegments]);

  return { crm, segments, adjust, adjustState, addTags, removeTags, setConsent, consentState, refresh };
}
