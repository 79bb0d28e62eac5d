import { useAppBridge } from "@saleor/app-sdk/app-bridge";
import { actions } from "@saleor/app-sdk/app-bridge";
import { Box, Button, Input, Text } from "@saleor/macaw-ui-next";
import { useState } from "react";

import type { JourneyDefinitionFragment, JourneyUpdateInput } from "../../generated/graphql";
import { FormErrors } from "../ui/states";
import { type JourneyDraft, type StageDraft, draftFromJourney, draftToInput, errorsByKey, unplacedErrors } from "./journey-draft";
import type { KindSpec } from "./journey-rows";
import type { SaveResult } from "./use-journeys";

/**
 * A journey's trigger settings, holdout and stages (delay, subject, offer points). The
 * server checks everything and answers with errors at their field; stage bodies are kept
 * as they are (edit them through the API, docs/journeys.md).
 */
export function JourneyEditor({ journey, spec, save, onSaved }: { journey: JourneyDefinitionFragment; spec: KindSpec; save: (input: JourneyUpdateInput) => Promise<SaveResult>; onSaved: () => void }) {
  const [draft, setDraft] = useState<JourneyDraft>(() => draftFromJourney(journey, spec));
  const [errors, setErrors] = useState<Map<string, string[]>>(new Map());
  const [saving, setSaving] = useState(false);
  const { appBridge } = useAppBridge();
  const at = (key: string) => errors.get(key) ?? [];
  const setStage = (index: number, change: Partial<StageDraft>) =>
    setDraft((current) => ({ ...current, stages: current.stages.map((stage, position) => (position === index ? { ...stage, ...change } : stage)) }));

  const submit = async () => {
    const built = draftToInput(draft, spec);
    if (!built.input) {
      setErrors(new Map(built.problems.map((problem) => [problem.key, [problem.message]])));
      return;
    }
    setSaving(true);
    const result = await save(built.input);
    setSaving(false);
    setErrors(errorsByKey(result.errors));
    if (result.errors.length === 0) {
      appBridge?.dispatch(actions.Notification({ status: "success", title: `${journey.name} saved` }));
      onSaved();
    }
  };

  return (
    <Box display="flex" flexDirection="column" gap={4} data-testid="journey-editor">
      <FormErrors errors={unplacedErrors(errors, draft).map((error) => ({ field: error.key || null, message: error.message }))} />
      <Box display="grid" gap={4} __gridTemplateColumns="repeat(auto-fit, minmax(220px, 1fr))">
        {spec.settings.map((setting) => (
          <NumberField
            key={setting.name}
            name={`triggerSettings.${setting.name}`}
            label={setting.label}
            hint={`${setting.min}–${setting.max}, default ${setting.default}`}
            value={draft.settings[setting.name] ?? ""}
            errors={at(`triggerSettings.${setting.name}`)}
            onChange={(value) => setDraft((current) => ({ ...current, settings: { ...current.settings, [setting.name]: value } }))}
          />
        ))}
        <NumberField
          name="holdoutPercent"
          label="Holdout %"
          hint="0–50: customers held out (never messaged) to measure the uplift"
          value={draft.holdoutPercent}
          errors={at("holdoutPercent")}
          onChange={(value) => setDraft((current) => ({ ...current, holdoutPercent: value }))}
        />
      </Box>
      <Text size={4} fontWeight="bold">
        Stages
      </Text>
      {draft.stages.map((stage, index) => (
        <Box key={index} display="grid" gap={3} __gridTemplateColumns="120px 1fr 140px" alignItems="flex-start" data-testid={`stage-${index}`}>
          <Field name={`stages[${index}].delay`} errors={at(`stages[${index}].delay`)}>
            <Input size="small" label={`Stage ${index + 1} after`} value={stage.delay} error={at(`stages[${index}].delay`).length > 0} onChange={(event) => setStage(index, { delay: event.target.value })} />
          </Field>
          <Field name={`stages[${index}].subject`} errors={at(`stages[${index}].subject`)}>
            <Input size="small" label="Subject" value={stage.subject} error={at(`stages[${index}].subject`).length > 0} onChange={(event) => setStage(index, { subject: event.target.value })} />
          </Field>
          <Field name={`stages[${index}].offerPoints`} errors={at(`stages[${index}].offerPoints`)}>
            <Input size="small" label="Offer points" value={stage.offerPoints} error={at(`stages[${index}].offerPoints`).length > 0} onChange={(event) => setStage(index, { offerPoints: event.target.value })} />
          </Field>
        </Box>
      ))}
      <Text size={1} color="default2">
        Delays count from the trigger: 30m, 3d, 2w, each after the one before. Subjects take the variables of docs/journeys.md, e.g. {"{{customer.first_name}}"}.
      </Text>
      <Box>
        <Button variant="primary" disabled={saving} onClick={submit} data-testid="save-journey">
          Save
        </Button>
      </Box>
    </Box>
  );
}

function Field({ name, errors, hint, children }: { name: string; errors: string[]; hint?: string; children: React.ReactNode }) {
  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid={`field-${name}`}>
      {children}
      {hint ? (
        <Text size={1} color="default2">
          {hint}
        </Text>
      ) : null}
      {errors.map((error) => (
        <Text key={error} size={2} color="critical1" data-testid="field-error">
          {error}
        </Text>
      ))}
    </Box>
  );
}

function NumberField({ name, label, hint, value, errors, onChange }: { name: string; label: string; hint: string; value: string; errors: string[]; onChange: (value: string) => void }) {
  return (
    <Field name={name} errors={errors} hint={hint}>
      <Input size="small" label={label} inputMode="numeric" value={value} error={errors.length > 0} onChange={(event) => onChange(event.target.value)} />
    </Field>
  );
}
