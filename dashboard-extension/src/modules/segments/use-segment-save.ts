import { useState } from "react";
import { useMutation } from "urql";

import { SegmentCreateDocument, SegmentUpdateDocument } from "../../generated/graphql";

export interface SegmentSaveError {
  field?: string | null;
  message?: string | null;
  path?: string | null;
}

/** Create or update; returns the segment id, or null with `saveErrors` set. */
export function useSegmentSave() {
  const [createState, create] = useMutation(SegmentCreateDocument);
  const [updateState, update] = useMutation(SegmentUpdateDocument);
  const [saveErrors, setSaveErrors] = useState<SegmentSaveError[]>([]);

  const save = async (input: { segmentId: string | null; name: string; autoTag: string; channel: string | null; definition: string }): Promise<string | null> => {
    const autoTag = input.autoTag.trim() || null;
    if (input.segmentId) {
      const result = await update({ id: input.segmentId, input: { name: input.name, definition: input.definition, autoTag } });
      const errors = result.error ? [{ message: result.error.message }] : (result.data?.customerSegmentUpdate?.errors ?? []);
      setSaveErrors(errors);
      return errors.length === 0 ? input.segmentId : null;
    }
    const result = await create({ input: { name: input.name, definition: input.definition, autoTag, channel: input.channel } });
    const errors = result.error ? [{ message: result.error.message }] : (result.data?.customerSegmentCreate?.errors ?? []);
    setSaveErrors(errors);
    return errors.length === 0 ? (result.data?.customerSegmentCreate?.customerSegment?.id ?? null) : null;
  };

  return { save, saving: createState.fetching || updateState.fetching, saveErrors };
}
