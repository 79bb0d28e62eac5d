import { Box, Button, Input, Text } from "@saleor/macaw-ui-next";
import { useState } from "react";

import { FormErrors } from "../ui/states";
import { checkAdjustment } from "./customer-summary";

export interface AdjustResult {
  errors: readonly { field?: string | null; message?: string | null }[];
}

/**
 * Points and a required reason, then a confirmation that repeats what will happen. One
 * idempotency key per confirmed adjustment, so a double click or a retry posts it once.
 */
export function AdjustPointsForm({ balance, disabled, onSubmit }: { balance: number; disabled: boolean; onSubmit: (input: { points: number; reason: string; idempotencyKey: string }) => Promise<AdjustResult> }) {
  const [points, setPoints] = useState("");
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState<{ points: number; reason: string; key: string } | null>(null);
  const [serverErrors, setServerErrors] = useState<AdjustResult["errors"]>([]);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const check = checkAdjustment(points, reason, balance);

  if (confirming) {
    const verb = confirming.points > 0 ? "Add" : "Deduct";
    return (
      <Box display="flex" flexDirection="column" gap={2} data-testid="adjust-confirm">
        <Text size={3}>
          {verb} {Math.abs(confirming.points).toLocaleString("en-US")} points, reason “{confirming.reason}”. The balance becomes{" "}
          {(balance + confirming.points).toLocaleString("en-US")}.
        </Text>
        <FormErrors errors={serverErrors} />
        <Box display="flex" gap={2}>
          <Button
            variant="primary"
            disabled={busy}
            data-testid="adjust-confirm-button"
            onClick={async () => {
              setBusy(true);
              const result = await onSubmit({ points: confirming.points, reason: confirming.reason, idempotencyKey: confirming.key });
              setBusy(false);
              setServerErrors(result.errors);
              if (result.errors.length === 0) {
                setConfirming(null);
                setPoints("");
                setReason("");
                setTouched(false);
              }
            }}
          >
            Confirm
          </Button>
          <Button variant="secondary" disabled={busy} onClick={() => setConfirming(null)}>
            Back
          </Button>
        </Box>
      </Box>
    );
  }

  return (
    <Box
      as="form"
      display="flex"
      flexDirection="column"
      gap={2}
      data-testid="adjust-form"
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (check.ok) {
          setServerErrors([]);
          setConfirming({ points: check.points, reason: check.reason, key: crypto.randomUUID() });
        }
      }}
    >
      <Box display="grid" gap={2} __gridTemplateColumns="120px 1fr">
        <Input
          label="Points (+/−)"
          size="small"
          value={points}
          onChange={(event) => setPoints(event.target.value)}
          error={touched && !check.ok && check.field === "points"}
          disabled={disabled}
          data-testid="adjust-points"
        />
        <Input
          label="Reason (the customer sees it)"
          size="small"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          error={touched && !check.ok && check.field === "reason"}
          disabled={disabled}
          data-testid="adjust-reason"
        />
      </Box>
      {touched && !check.ok ? (
        <Text size={2} color="critical1">
          {check.message}
        </Text>
      ) : null}
      <Box>
        <Button type="submit" variant="secondary" size="small" disabled={disabled} data-testid="adjust-submit">
          Adjust points…
        </Button>
      </Box>
    </Box>
  );
}
