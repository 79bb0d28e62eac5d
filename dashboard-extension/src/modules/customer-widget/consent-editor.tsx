import { Box, Button, Input, Text } from "@saleor/macaw-ui-next";
import { useState } from "react";

import { FormErrors } from "../ui/states";
import { type ConsentState, consentReasonAsk } from "./customer-summary";

export interface ConsentResult {
  errors: readonly { field?: string | null; message?: string | null }[];
}

/**
 * "Consent given" / "Consent withdrawn", each confirmed in place with a reason that the
 * API records in the customer's consent history with the staff member's name. Giving back
 * a consent the customer withdrew needs the reason (the API answers REASON_REQUIRED
 * otherwise); a server error stays beside the input and changes nothing.
 */
export function ConsentEditor({ current, onSubmit }: { current: ConsentState; onSubmit: (input: { granted: boolean; reason: string }) => Promise<ConsentResult> }) {
  const [recording, setRecording] = useState<boolean | null>(null);
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<ConsentResult["errors"]>([]);
  const [busy, setBusy] = useState(false);

  const close = () => {
    setRecording(null);
    setReason("");
    setErrors([]);
  };

  if (recording === null) {
    return (
      <Box display="flex" gap={2}>
        {[true, false].map((granted) => (
          <Button key={String(granted)} size="small" variant="secondary" onClick={() => setRecording(granted)} data-testid={granted ? "consent-given" : "consent-withdrawn"}>
            {granted ? "Consent given" : "Consent withdrawn"}
          </Button>
        ))}
      </Box>
    );
  }

  const granted = recording;
  const testId = granted ? "consent-given" : "consent-withdrawn";
  const ask = consentReasonAsk(granted, current, reason);
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid={`${testId}-confirm`}>
      <Text size={2}>{granted ? "Record that the customer agreed to marketing?" : "Record that the customer withdrew marketing consent?"}</Text>
      <Input
        label={ask.label}
        size="small"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={errors.some((error) => error.field === "reason")}
        disabled={busy}
        data-testid="consent-reason"
      />
      {ask.hint ? (
        <Text size={2} color="default2" data-testid="consent-reason-hint">
          {ask.hint}
        </Text>
      ) : null}
      <FormErrors errors={errors} />
      <Box display="flex" gap={2}>
        <Button
          size="small"
          variant="primary"
          disabled={busy || !ask.ok}
          onClick={async () => {
            setBusy(true);
            const result = await onSubmit({ granted, reason: reason.trim() });
            setBusy(false);
            if (result.errors.length === 0) close();
            else setErrors(result.errors);
          }}
          data-testid={`${testId}-yes`}
        >
          Yes
        </Button>
        <Button size="small" variant="tertiary" disabled={busy} onClick={close}>
          Cancel
        </Button>
      </Box>
    </Box>
  );
}
