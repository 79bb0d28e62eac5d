/*
 * The states every view shows: loading, error, empty, a missing permission (naming
 * it), an inactive programme. Display only.
 */
import { Box, Skeleton, Text } from "@saleor/macaw-ui-next";
import type { ReactNode } from "react";
import type { CombinedError } from "urql";

import { describeError, permissionLabel } from "../permissions/describe-error";

export function Loading({ lines = 3 }: { lines?: number }) {
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="loading">
      {Array.from({ length: lines }, (_, index) => (
        <Skeleton key={index} height={5} />
      ))}
    </Box>
  );
}

function Notice({ tone, title, children, testId }: { tone: "critical1" | "warning1" | "info1" | "default1"; title: string; children?: ReactNode; testId: string }) {
  return (
    <Box
      padding={4}
      borderRadius={3}
      borderStyle="solid"
      borderWidth={1}
      borderColor={tone === "default1" ? "default1" : tone}
      display="flex"
      flexDirection="column"
      gap={1}
      data-testid={testId}
    >
      <Text size={4} fontWeight="bold">
        {title}
      </Text>
      {children ? <Text size={3} color="default2">{children}</Text> : null}
    </Box>
  );
}

export function MissingPermission({ permissions, what }: { permissions: readonly string[]; what: string }) {
  const names = permissions.length > 0 ? permissions.map(permissionLabel).join(" or ") : "a permission you do not have";
  return (
    <Notice tone="warning1" title={`You cannot see ${what}`} testId="missing-permission">
      This needs {names}, which this view's session does not carry: your permission group lacks it, or the CRM app was installed without it. Ask a staff member who manages permission groups.
    </Notice>
  );
}

export function ErrorNotice({ error, what }: { error: CombinedError; what: string }) {
  const description = describeError(error);
  if (description.kind === "permission") {
    return <MissingPermission permissions={description.permissions} what={what} />;
  }
  return (
    <Notice tone="critical1" title={`Could not load ${what}`} testId="error">
      {description.kind === "network" ? `The Saleor API did not answer (${description.message}).` : description.message}
    </Notice>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Notice tone="default1" title={title} testId="empty">
      {children}
    </Notice>
  );
}

export function InactiveProgramme({ channel, children }: { channel: string; children?: ReactNode }) {
  return (
    <Notice tone="info1" title={`The CRM is not active in ${channel}`} testId="inactive-programme">
      {children ?? "Switch it on in Programme settings (needs Manage plugins) to earn points, keep tiers and remind abandoned carts here."}
    </Notice>
  );
}

export function FormErrors({ errors }: { errors: readonly { field?: string | null; message?: string | null; path?: string | null }[] }) {
  if (errors.length === 0) return null;
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid="form-errors">
      {errors.map((error, index) => (
        <Text key={index} size={2} color="critical1">
          {[error.field, error.path].filter(Boolean).join(" · ")}
          {error.field || error.path ? ": " : ""}
          {error.message}
        </Text>
      ))}
    </Box>
  );
}
