import { useQuery } from "urql";

import { SegmentPreviewDocument } from "../../generated/graphql";
import { useDebouncedValue } from "../ui/use-debounced-value";

/** Live count, sample and would join / would leave, asked 400 ms after typing stops. */
export function useSegmentPreview(input: { definition: string | null; channel: string | null; segmentId: string | null }) {
  const debounced = useDebouncedValue(input, 400);
  const [result] = useQuery({
    query: SegmentPreviewDocument,
    variables: { definition: debounced.definition ?? "{}", channel: debounced.channel, id: debounced.segmentId },
    pause: !debounced.definition,
    requestPolicy: "network-only",
  });
  const stale = debounced !== input && (debounced.definition !== input.definition || debounced.channel !== input.channel);
  return { result, stale };
}
