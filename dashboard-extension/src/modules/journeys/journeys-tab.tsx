import { Box, Button, Select, Text } from "@saleor/macaw-ui-next";
import { useState } from "react";

import type { JourneyKindEnum, JourneyUpdateInput } from "../../generated/graphql";
import type { ChannelChoice } from "../channels/use-channel";
import { formatMoney } from "../money/format-money";
import { Cell, Section, Stat, StatRow, Table } from "../ui/layout";
import { EmptyState, ErrorNotice, FormErrors, Loading } from "../ui/states";
import { JourneyEditor } from "./journey-editor";
import { type JourneyRow, type JourneyWithStats, conversionText, describeDelay, journeyRows, upliftSummary } from "./journey-rows";
import { type SaveResult, useJourneys } from "./use-journeys";

const PERIODS = [
  { value: "30", label: "Last 30 days" },
  { value: "90", label: "Last 90 days" },
  { value: "365", label: "Last year" },
  { value: "all", label: "All time" },
];

/** Customers → CRM → Journeys: each built-in journey a click from running, with its figures. */
export function JourneysTab({ channel }: { channel: ChannelChoice }) {
  const [period, setPeriod] = useState("all");
  const { journeys, saving, enableKind, updateJourney } = useJourneys(channel.slug, period === "all" ? null : Number(period));
  const list = journeys.data?.journeys;

  return (
    <Box display="flex" flexDirection="column" gap={6} data-testid="journeys">
      <Text size={3} color="default2">
        Lifecycle e-mails for {channel.name}: a trigger, then stages with delays, each an e-mail and optionally bonus points; a customer leaves when they order. Every journey is off until enabled. Figures count customers who entered in the period.
      </Text>
      <Select label="Period" size="small" options={PERIODS} value={PERIODS.find((option) => option.value === period) ?? null} onChange={(option) => option && setPeriod(option.value)} __width="200px" />
      {journeys.fetching && !list ? (
        <Loading lines={6} />
      ) : journeys.error && !list ? (
        <ErrorNotice error={journeys.error} what="the journeys" />
      ) : (
        journeyRows(list ?? []).map((row) => (
          <JourneyCard
            key={row.key}
            row={row}
            currency={channel.currencyCode}
            saving={saving}
            enableKind={enableKind}
            updateJourney={updateJourney}
          />
        ))
      )}
    </Box>
  );
}

function JourneyCard({
  row,
  currency,
  saving,
  enableKind,
  updateJourney,
}: {
  row: JourneyRow;
  currency: string;
  saving: boolean;
  enableKind: (kind: JourneyKindEnum) => Promise<SaveResult>;
  updateJourney: (id: string, input: JourneyUpdateInput) => Promise<SaveResult>;
}) {
  const { spec, journey } = row;
  const [errors, setErrors] = useState<SaveResult["errors"]>([]);
  const [editing, setEditing] = useState(false);
  const status = !journey ? "Not created" : journey.enabled ? "Enabled" : spec.readOnly ? "Off" : "Paused";
  const toggle = async () => {
    const result = journey ? await updateJourney(journey.id, { enabled: !journey.enabled }) : await enableKind(spec.kind);
    setErrors(result.errors);
  };

  return (
    <Box padding={4} borderRadius={3} borderStyle="solid" borderWidth={1} borderColor="default1" display="flex" flexDirection="column" gap={4} data-testid={`journey-${spec.kind}`}>
      <Box display="flex" justifyContent="space-between" alignItems="flex-start" gap={4} flexWrap="wrap">
        <Box display="flex" flexDirection="column" gap={1}>
          <Text size={5} fontWeight="bold" as="h2">
            {journey?.name ?? spec.label}
          </Text>
          <Text size={2} color="default2">
            Enters when: {spec.enters}
          </Text>
        </Box>
        <Box display="flex" alignItems="center" gap={3}>
          <Text size={3} fontWeight="bold" color={journey?.enabled ? "success1" : "default2"} data-testid="journey-status">
            {status}
          </Text>
          {spec.readOnly ? null : (
            <>
              {journey ? (
                <Button variant="secondary" onClick={() => setEditing(!editing)} data-testid="edit-journey">
                  {editing ? "Close" : "Edit"}
                </Button>
              ) : null}
              <Button variant={journey?.enabled ? "tertiary" : "primary"} disabled={saving} onClick={toggle} data-testid="journey-toggle">
                {journey?.enabled ? "Pause" : "Enable"}
              </Button>
            </>
          )}
        </Box>
      </Box>
      {spec.readOnly ? (
        <Text size={2} color="default2" data-testid="read-only-note">
          {spec.readOnly.note}
        </Text>
      ) : null}
      <FormErrors errors={errors} />
      {!journey ? (
        <Text size={2} color="default2" data-testid="default-stages">
          Built-in stages: {spec.defaultStages} Enable it to create it in this channel; then edit its stages and settings.
        </Text>
      ) : editing ? (
        <JourneyEditor journey={journey} spec={spec} save={(input) => updateJourney(journey.id, input)} onSaved={() => setEditing(false)} />
      ) : (
        <JourneyDetails journey={journey} spec={spec} currency={currency} />
      )}
    </Box>
  );
}

function JourneyDetails({ journey, spec, currency }: { journey: JourneyWithStats; spec: JourneyRow["spec"]; currency: string }) {
  const settings = journey.triggerSettings as Record<string, number | string | null>;
  const stats = journey.stats;
  const money = (amount: number) => formatMoney(amount, stats.revenue.currency || currency);
  const uplift = !stats.uplift && spec.readOnly ? { value: "—", reading: spec.readOnly.uplift } : upliftSummary(stats.uplift);
  const n = (value: number) => value.toLocaleString("en-US");
  return (
    <Box display="flex" flexDirection="column" gap={4}>
      <Text size={2} color="default2" data-testid="journey-settings">
        {[...spec.settings.map((setting) => `${setting.label}: ${settings[setting.name] ?? setting.default}`), ...(spec.readOnly ? [] : [`Holdout: ${journey.holdoutPercent} %`])].join(" · ")}
      </Text>
      <Table head={["Stage", "After", "Subject", "Offer points"]} testId="journey-stages">
        {journey.stages.map((stage) => (
          <tr key={stage.number}>
            <Cell>{stage.number}</Cell>
            <Cell>{describeDelay(stage.delay, stage.delaySeconds)}</Cell>
            <Cell>{stage.subject}</Cell>
            <Cell>{stage.offerPoints ? n(stage.offerPoints) : "—"}</Cell>
          </tr>
        ))}
      </Table>
      <Section title="Figures" testId="journey-stats">
        <StatRow>
          <Stat label="Entered" value={n(stats.entered)} hint={stats.heldOut ? `${n(stats.heldOut)} held out` : undefined} testId="stat-entered" />
          <Stat label="Sent" value={n(stats.sent)} testId="stat-sent" />
          <Stat label="Converted" value={n(stats.converted)} hint={conversionText(stats.converted, stats.entered - stats.heldOut)} testId="stat-converted" />
          <Stat label="Revenue" value={money(stats.revenue.amount)} testId="stat-revenue" />
          <Stat label="Offer cost" value={money(stats.offerCost.amount)} testId="stat-offer-cost" />
          <Stat label="Uplift" value={uplift.value} hint={uplift.reading} testId="stat-uplift" />
        </StatRow>
        {stats.stages.length > 0 ? (
          <Table head={["Stage", "Sent", "Skipped", "Failed", "Converted", "Revenue", "Offer cost"]} testId="journey-stage-stats">
            {stats.stages.map((stage) => (
              <tr key={stage.stage}>
                <Cell>{stage.stage === 0 ? "Before any message" : stage.stage}</Cell>
                <Cell>{n(stage.sent)}</Cell>
                <Cell>{n(stage.skipped)}</Cell>
                <Cell>{n(stage.failed)}</Cell>
                <Cell>{n(stage.converted)}</Cell>
                <Cell>{money(stage.revenue.amount)}</Cell>
                <Cell>{money(stage.offerCost.amount)}</Cell>
              </tr>
            ))}
          </Table>
        ) : (
          <EmptyState title="Nobody has entered yet">Customers enter at the next sweep (every few minutes) once the CRM is active in the channel and the journey is enabled.</EmptyState>
        )}
      </Section>
    </Box>
  );
}
