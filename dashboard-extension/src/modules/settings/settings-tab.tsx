import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { actions } from "@saleor/app-sdk/app-bridge";
import { Box, Button, Checkbox, Input, Select, Text, Textarea } from "@saleor/macaw-ui-next";
import { useMemo, useState } from "react";
import { useMutation, useQuery } from "urql";

import { CrmPluginSettingsDocument, CrmPluginUpdateDocument } from "../../generated/graphql";
import { Section } from "../ui/layout";
import { EmptyState, ErrorNotice, FormErrors, Loading } from "../ui/states";
import {
  CONFIG_SECTIONS,
  type ConfigFieldSpec,
  type ConfigProblem,
  type ConfigValues,
  type StageRow,
  type TierRow,
  changedConfiguration,
  stagesFromText,
  storedFieldName,
  stagesToText,
  tiersFromText,
  tiersToText,
  validateConfig,
} from "./plugin-config";

/** Programme settings: the channel's configuration, written through Saleor's pluginUpdate. */
export function SettingsTab({ channelSlug }: { channelSlug: string | null }) {
  const [result, refetch] = useQuery({ query: CrmPluginSettingsDocument });
  if (result.fetching && !result.data) return <Loading lines={8} />;
  if (result.error && !result.data?.plugin) return <ErrorNotice error={result.error} what="the programme settings" />;
  const plugin = result.data?.plugin;
  if (!plugin) return <EmptyState title="The CRM plugin is not installed">Saleor does not list the plugin saleor.crm.</EmptyState>;
  const configuration = plugin.channelConfigurations?.find((config) => config.channel?.slug === channelSlug) ?? plugin.channelConfigurations?.[0];
  if (!configuration?.channel) return <EmptyState title="No channel to configure" />;
  const values: ConfigValues = Object.fromEntries(configuration.configuration?.map((field) => [field.name, field.value ?? ""]) ?? []);
  return (
    <SettingsEditor
      key={`${configuration.channel.id}:${JSON.stringify(values)}:${configuration.active}`}
      channel={configuration.channel}
      active={configuration.active}
      original={values}
      onSaved={() => refetch({ requestPolicy: "network-only" })}
    />
  );
}

function SettingsEditor({ channel, active, original, onSaved }: { channel: { id: string; name: string; currencyCode: string }; active: boolean; original: ConfigValues; onSaved: () => void }) {
  const [values, setValues] = useState<ConfigValues>(original);
  const [isActive, setActive] = useState(active);
  const [serverErrors, setServerErrors] = useState<{ field?: string | null; message?: string | null }[]>([]);
  const [saveState, update] = useMutation(CrmPluginUpdateDocument);
  const { appBridge } = useAppBridge();
  const problems = useMemo(() => validateConfig(values), [values]);
  const byField = (name: string) => [
    ...problems.filter((problem) => problem.field === name).map((problem) => problem.message),
    ...serverErrors.filter((error) => storedFieldName(error.field) === name).map((error) => error.message ?? ""),
  ];
  const set = (name: string, value: string | boolean) => setValues((current) => ({ ...current, [name]: value }));
  const changes = changedConfiguration(original, values);
  const dirty = changes.length > 0 || isActive !== active;

  return (
    <Box display="flex" flexDirection="column" gap={6} data-testid="settings">
      <Box display="flex" justifyContent="space-between" alignItems="center" gap={4}>
        <Checkbox checked={isActive} onCheckedChange={(checked) => setActive(checked === true)}>
          <Text size={4} fontWeight="bold">
            CRM active in {channel.name} ({channel.currencyCode})
          </Text>
        </Checkbox>
        <Button
          variant="primary"
          disabled={!dirty || problems.length > 0 || saveState.fetching}
          data-testid="save-settings"
          onClick={async () => {
            const response = await update({ channelId: channel.id, input: { active: isActive, configuration: changes } });
            const errors = response.error ? [{ message: response.error.message }] : (response.data?.pluginUpdate?.errors ?? []);
            setServerErrors(errors);
            if (errors.length === 0) {
              appBridge?.dispatch(actions.Notification({ status: "success", title: "Programme settings saved" }));
              onSaved();
            }
          }}
        >
          Save
        </Button>
      </Box>
      {problems.length > 0 ? (
        <Box data-testid="settings-problems">
          <Text size={2} color="critical1">
            {problems.length} {problems.length === 1 ? "problem" : "problems"} to fix before saving:
          </Text>
          <FormErrors errors={problems.map((problem: ConfigProblem) => ({ message: problem.message }))} />
        </Box>
      ) : null}
      {/* The server's messages name their field (and line) themselves. */}
      <FormErrors errors={serverErrors.map((error) => ({ message: error.message }))} />
      {CONFIG_SECTIONS.map((section) => (
        <Section key={section.title} title={section.title}>
          <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(320px, 1fr))">
            {section.fields.map((spec) => (
              <FieldEditor key={spec.name} spec={spec} value={values[spec.name] ?? ""} errors={byField(spec.name)} onChange={(value) => set(spec.name, value)} />
            ))}
          </Box>
        </Section>
      ))}
    </Box>
  );
}

function FieldEditor({ spec, value, errors, onChange }: { spec: ConfigFieldSpec; value: string | boolean; errors: string[]; onChange: (value: string | boolean) => void }) {
  const text = typeof value === "boolean" ? String(value) : value;
  const helper = (
    <>
      {spec.help ? (
        <Text size={1} color="default2" display="block">
          {spec.help}
        </Text>
      ) : null}
      {errors.map((error) => (
        <Text key={error} size={2} color="critical1" display="block">
          {error}
        </Text>
      ))}
    </>
  );
  switch (spec.kind) {
    case "boolean":
      return (
        <Box data-testid={`field-${spec.name}`}>
          <Checkbox checked={text === "true"} onCheckedChange={(checked) => onChange(checked === true ? "true" : "false")}>
            <Text size={3}>{spec.label}</Text>
          </Checkbox>
          {helper}
        </Box>
      );
    case "choice": {
      const options = (spec.choices ?? []).map((choice) => ({ value: choice, label: choice }));
      return (
        <Box data-testid={`field-${spec.name}`}>
          <Select label={spec.label} size="small" options={options} value={options.find((option) => option.value === text) ?? null} onChange={(option) => option && onChange(option.value)} />
          {helper}
        </Box>
      );
    }
    case "tiers":
      return <TiersEditor text={text} onChange={onChange} helper={helper} />;
    case "stages":
      return <StagesEditor text={text} onChange={onChange} helper={helper} />;
    case "template":
    case "experiment":
      return (
        <Box data-testid={`field-${spec.name}`}>
          <Textarea label={spec.label} value={text} rows={spec.kind === "template" && !spec.name.endsWith("subject") ? 6 : 3} onChange={(event) => onChange(event.target.value)} error={errors.length > 0} />
          {helper}
        </Box>
      );
    default:
      return (
        <Box data-testid={`field-${spec.name}`}>
          <Input label={spec.label} size="small" type={spec.kind === "secret" ? "password" : "text"} value={text} onChange={(event) => onChange(event.target.value)} error={errors.length > 0} />
          {helper}
        </Box>
      );
  }
}

function TiersEditor({ text, onChange, helper }: { text: string; onChange: (value: string) => void; helper: React.ReactNode }) {
  const rows = tiersFromText(text);
  const update = (next: TierRow[]) => onChange(tiersToText(next));
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="field-tiers">
      <Text size={3}>Tiers (lowest first)</Text>
      {rows.map((row, index) => (
        <Box key={index} display="grid" gap={2} __gridTemplateColumns="2fr 1fr 1fr auto" alignItems="center">
          <Input size="small" label="Name" value={row.name} onChange={(event) => update(rows.map((item, at) => (at === index ? { ...item, name: event.target.value } : item)))} />
          <Input size="small" label="Threshold" value={row.threshold} onChange={(event) => update(rows.map((item, at) => (at === index ? { ...item, threshold: event.target.value } : item)))} />
          <Input size="small" label="Multiplier" value={row.multiplier} onChange={(event) => update(rows.map((item, at) => (at === index ? { ...item, multiplier: event.target.value } : item)))} />
          <Button size="small" variant="tertiary" onClick={() => update(rows.filter((_, at) => at !== index))} aria-label="Remove tier">
            ×
          </Button>
        </Box>
      ))}
      <Box>
        <Button size="small" variant="secondary" onClick={() => update([...rows, { name: "New tier", threshold: "", multiplier: "1" }])}>
          + Tier
        </Button>
      </Box>
      {helper}
    </Box>
  );
}

function StagesEditor({ text, onChange, helper }: { text: string; onChange: (value: string) => void; helper: React.ReactNode }) {
  const rows = stagesFromText(text);
  const update = (next: StageRow[]) => onChange(stagesToText(next));
  const kinds = ["reminder", "offer", "last_call"].map((kind) => ({ value: kind, label: kind.replace("_", " ") }));
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="field-cart_recovery_stages">
      <Text size={3}>Reminder stages</Text>
      {rows.map((row, index) => (
        <Box key={index} display="grid" gap={2} __gridTemplateColumns="1fr 1fr auto" alignItems="center">
          <Input size="small" label={`Stage ${index + 1} after`} value={row.delay} onChange={(event) => update(rows.map((item, at) => (at === index ? { ...item, delay: event.target.value } : item)))} />
          <Select size="small" label="Kind" options={kinds} value={kinds.find((kind) => kind.value === row.kind) ?? null} onChange={(option) => option && update(rows.map((item, at) => (at === index ? { ...item, kind: option.value } : item)))} />
          <Button size="small" variant="tertiary" onClick={() => update(rows.filter((_, at) => at !== index))} aria-label="Remove stage">
            ×
          </Button>
        </Box>
      ))}
      <Box>
        <Button size="small" variant="secondary" disabled={rows.length >= 5} onClick={() => update([...rows, { delay: "", kind: "reminder" }])}>
          + Stage
        </Button>
      </Box>
      {helper}
    </Box>
  );
}
