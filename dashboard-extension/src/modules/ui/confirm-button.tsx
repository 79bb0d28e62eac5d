import { Box, Button, Text } from "@saleor/macaw-ui-next";
import { type ReactNode, useState } from "react";

/**
 * A button that asks in place before acting. The Dashboard sandboxes extension iframes
 * without `allow-modals`, so `window.confirm()` would silently answer "no".
 */
export function ConfirmButton({
  children,
  question,
  onConfirm,
  variant = "secondary",
  size = "small",
  testId,
}: {
  children: ReactNode;
  question: ReactNode;
  onConfirm: () => Promise<void> | void;
  variant?: "primary" | "secondary" | "tertiary" | "error";
  size?: "small" | "medium";
  testId?: string;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <Button size={size} variant={variant} onClick={() => setAsking(true)} data-testid={testId}>
        {children}
      </Button>
    );
  }
  return (
    <Box display="flex" gap={2} alignItems="center" data-testid={testId ? `${testId}-confirm` : undefined}>
      <Text size={2}>{question}</Text>
      <Button
        size={size}
        variant={variant === "error" ? "error" : "primary"}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
        data-testid={testId ? `${testId}-yes` : undefined}
      >
        Yes
      </Button>
      <Button size={size} variant="tertiary" disabled={busy} onClick={() => setAsking(false)}>
        Cancel
      </Button>
    </Box>
  );
}
