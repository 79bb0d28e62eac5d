import { Box, Text } from "@saleor/macaw-ui-next";
import type { ReactNode } from "react";

export function Section({ title, actions, children, testId }: { title: string; actions?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Box display="flex" flexDirection="column" gap={3} data-testid={testId}>
      <Box display="flex" justifyContent="space-between" alignItems="center" gap={2}>
        <Text size={5} fontWeight="bold" as="h2">
          {title}
        </Text>
        {actions}
      </Box>
      {children}
    </Box>
  );
}

export function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <Box display="flex" flexDirection="column" gap={0.5} minWidth={0} data-testid={testId}>
      <Text size={2} color="default2">
        {label}
      </Text>
      <Text size={6} fontWeight="bold">
        {value}
      </Text>
      {hint ? (
        <Text size={2} color="default2">
          {hint}
        </Text>
      ) : null}
    </Box>
  );
}

export function StatRow({ children }: { children: ReactNode }) {
  return (
    <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(140px, 1fr))">
      {children}
    </Box>
  );
}

export function ProgressBar({ percent }: { percent: number }) {
  return (
    <Box height={2} borderRadius={2} backgroundColor="default2" overflow="hidden" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
      <Box height="100%" backgroundColor="accent1" __width={`${Math.min(100, Math.max(0, percent))}%`} />
    </Box>
  );
}

export function Table({ head, children, testId }: { head: readonly string[]; children: ReactNode; testId?: string }) {
  return (
    <Box as="table" width="100%" __borderCollapse="collapse" data-testid={testId}>
      <thead>
        <tr>
          {head.map((label) => (
            <Box as="th" key={label} textAlign="left" paddingY={1.5} paddingRight={3} borderBottomStyle="solid" borderBottomWidth={1} borderColor="default1">
              <Text size={2} color="default2">
                {label}
              </Text>
            </Box>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </Box>
  );
}

export function Cell({ children }: { children: ReactNode }) {
  return (
    <Box as="td" paddingY={1.5} paddingRight={3} borderBottomStyle="solid" borderBottomWidth={1} borderColor="default1">
      <Text size={3}>{children}</Text>
    </Box>
  );
}
