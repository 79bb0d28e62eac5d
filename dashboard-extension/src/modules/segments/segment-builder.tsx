/*
 * The visual builder: a group (AND / OR, optionally NOT) of rows and nested groups. It
 * edits the BuilderGroup model of builder-rows.ts and knows nothing of the API.
 */
import { Box, Button, Checkbox, Input, Select, Text } from "@saleor/macaw-ui-next";
import { useEffect, useState } from "react";

import {
  type BuilderGroup,
  type BuilderNode,
  type BuilderRow,
  type IdFactory,
  appendChild,
  removeNode,
  updateNode,
} from "./builder-rows";
import { FIELD_SPECS, OPERATOR_LABELS, type Operator, type ValuePicker, fieldSpec, valueKind } from "./condition-fields";
import { type PickerOption, addChoice, currentTerm, matchOptions, optionText } from "./picker-options";
import { defaultValueFor, formatValueInput, parseDaysInput, parseValueInput } from "./value-input";

export interface BuilderChoices {
  tiers: readonly PickerOption[];
  channels: readonly PickerOption[];
  rfmGroups: readonly PickerOption[];
  countries: readonly PickerOption[];
  /** Products, categories and tags in use are searched in the API as staff type. */
  search: (picker: SearchedPicker, term: string) => Promise<PickerOption[]>;
}

export type SearchedPicker = "product" | "category" | "tag";

/** Characters typed before a search: tags in use are offered at once, most carried first. */
const MIN_SEARCH: Record<SearchedPicker, number> = { product: 2, category: 2, tag: 0 };

interface Props {
  root: BuilderGroup;
  onChange: (root: BuilderGroup) => void;
  newId: IdFactory;
  choices: BuilderChoices;
  problems: ReadonlyMap<string, string[]>;
}

const FIELD_OPTIONS = FIELD_SPECS.map((spec) => ({ value: spec.name, label: `${spec.group}: ${spec.label}` }));

export function SegmentBuilder(props: Props) {
  return <GroupEditor {...props} group={props.root} isRoot />;
}

function newRow(newId: IdFactory): BuilderRow {
  return { kind: "row", id: newId(), negated: false, field: "total_spent", op: "gt" };
}

function GroupEditor({ group, isRoot, ...props }: Props & { group: BuilderGroup; isRoot?: boolean }) {
  const { root, onChange, newId, problems } = props;
  const edit = (change: Partial<BuilderGroup>) => onChange(updateNode(root, group.id, (node) => ({ ...node, ...change }) as BuilderNode));
  return (
    <Box
      display="flex"
      flexDirection="column"
      gap={2}
      padding={3}
      borderRadius={3}
      borderStyle="solid"
      borderWidth={1}
      borderColor={problems.has(group.id) ? "critical1" : "default1"}
      data-testid={isRoot ? "builder-root" : "builder-group"}
    >
      <Box display="flex" gap={3} alignItems="center" flexWrap="wrap">
        <Checkbox checked={group.negated} onCheckedChange={(checked) => edit({ negated: checked === true })}>
          <Text size={2}>NOT</Text>
        </Checkbox>
        <Select
          size="small"
          options={[
            { value: "all", label: "All of (AND)" },
            { value: "any", label: "Any of (OR)" },
          ]}
          value={group.combinator === "all" ? { value: "all", label: "All of (AND)" } : { value: "any", label: "Any of (OR)" }}
          onChange={(option) => option && edit({ combinator: option.value as "all" | "any" })}
          data-testid="group-combinator"
        />
        <Button size="small" variant="secondary" onClick={() => onChange(appendChild(root, group.id, newRow(newId)))} data-testid="add-row">
          + Condition
        </Button>
        <Button
          size="small"
          variant="secondary"
          onClick={() => onChange(appendChild(root, group.id, { kind: "group", id: newId(), negated: false, combinator: "any", children: [newRow(newId)] }))}
        >
          + Group
        </Button>
        {!isRoot ? (
          <Button size="small" variant="tertiary" onClick={() => onChange(removeNode(root, group.id))}>
            Remove group
          </Button>
        ) : null}
      </Box>
      {(problems.get(group.id) ?? []).map((message) => (
        <Text key={message} size={2} color="critical1">
          {message}
        </Text>
      ))}
      {group.children.map((child) =>
        child.kind === "group" ? <GroupEditor key={child.id} {...props} group={child} /> : <RowEditor key={child.id} {...props} row={child} />,
      )}
    </Box>
  );
}

function staticChoices(picker: ValuePicker, choices: BuilderChoices): readonly PickerOption[] | null {
  if (picker === "tier") return choices.tiers;
  if (picker === "channel") return choices.channels;
  if (picker === "rfm-group") return choices.rfmGroups;
  if (picker === "country") return choices.countries;
  return null;
}

/** Suggestions for the item being typed: from a list, or searched in the API (0.3 s after typing stops). */
function useSuggestions(picker: ValuePicker, term: string, choices: BuilderChoices): PickerOption[] {
  const [found, setFound] = useState<PickerOption[]>([]);
  const fixed = staticChoices(picker, choices);
  const searched: SearchedPicker | null = picker === "product" || picker === "category" || picker === "tag" ? picker : null;
  useEffect(() => {
    if (searched === null || term.length < MIN_SEARCH[searched]) {
      setFound([]);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      choices.search(searched, term).then((options) => {
        if (!cancelled) setFound(options);
      });
    }, 300);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [searched, term, choices]);
  if (fixed) return matchOptions(fixed, term);
  return found;
}

function RowEditor({ row, root, onChange, choices, problems }: Props & { row: BuilderRow }) {
  const spec = fieldSpec(row.field);
  const [text, setText] = useState(() => formatValueInput(row.value));
  const [daysText, setDaysText] = useState(() => (row.days === undefined ? "" : String(row.days)));
  const [parseError, setParseError] = useState<string | null>(null);
  const [daysError, setDaysError] = useState<string | null>(null);
  const edit = (change: Partial<BuilderRow>) => onChange(updateNode(root, row.id, (node) => ({ ...node, ...change }) as BuilderNode));

  const kind = spec ? valueKind(spec, row.op as Operator) : "text";
  const isList = kind === "text-list" || kind === "text-or-list";
  const suggestions = useSuggestions(spec?.picker ?? null, currentTerm(text, isList), choices);

  if (!spec) {
    return (
      <Box display="flex" gap={2} alignItems="center">
        <Text size={2}>Unknown condition: {JSON.stringify({ field: row.field, op: row.op, value: row.value })}</Text>
        <Button size="small" variant="tertiary" onClick={() => onChange(removeNode(root, row.id))}>
          Remove
        </Button>
      </Box>
    );
  }

  const operators = spec.operators.map((op) => ({ value: op, label: OPERATOR_LABELS[op] }));
  const messages = [...(problems.get(row.id) ?? []), ...(parseError ? [parseError] : []), ...(daysError ? [daysError] : [])];

  return (
    <Box display="flex" flexDirection="column" gap={1} data-testid="builder-row">
      <Box display="flex" gap={2} alignItems="center" flexWrap="wrap">
        <Checkbox checked={row.negated} onCheckedChange={(checked) => edit({ negated: checked === true })}>
          <Text size={2}>NOT</Text>
        </Checkbox>
        <Select
          size="small"
          options={FIELD_OPTIONS}
          value={FIELD_OPTIONS.find((option) => option.value === row.field) ?? null}
          onChange={(option) => {
            if (!option) return;
            const next = fieldSpec(option.value);
            const op = next?.operators.includes(row.op as Operator) ? row.op : (next?.operators[0] ?? row.op);
            setText("");
            setParseError(null);
            edit({ field: option.value, op, value: undefined, days: next?.window ? row.days : undefined });
          }}
          data-testid="row-field"
          __minWidth="240px"
        />
        <Select
          size="small"
          options={operators}
          value={operators.find((option) => option.value === row.op) ?? null}
          onChange={(option) => {
            if (!option) return;
            const value = defaultValueFor(row.field, option.value, row.value);
            setText(formatValueInput(value));
            edit({ op: option.value, value });
          }}
          data-testid="row-operator"
          __minWidth="140px"
        />
        <Input
          size="small"
          label={row.op === "between" ? "low, high" : spec.name === "marketing_consent" ? "yes / no" : "value"}
          value={text}
          error={parseError !== null}
          onChange={(event) => {
            setText(event.target.value);
            const parsed = parseValueInput(row.field, row.op, event.target.value);
            setParseError(parsed.ok ? null : parsed.message);
            edit({ value: parsed.ok ? parsed.value : undefined });
          }}
          data-testid="row-value"
          __minWidth="160px"
        />
        {spec.window ? (
          <Input
            size="small"
            label="in last N days"
            value={daysText}
            error={daysError !== null}
            onChange={(event) => {
              setDaysText(event.target.value);
              const parsed = parseDaysInput(event.target.value);
              setDaysError(parsed.ok ? null : parsed.message);
              if (parsed.ok) edit({ days: parsed.days });
            }}
            __width="120px"
          />
        ) : null}
        <Button size="small" variant="tertiary" onClick={() => onChange(removeNode(root, row.id))} aria-label="Remove condition">
          ×
        </Button>
      </Box>
      {suggestions.length > 0 ? (
        <Box display="flex" gap={1} flexWrap="wrap">
          {suggestions.map((choice) => (
            <Button
              key={choice.value}
              size="small"
              variant="tertiary"
              data-testid="value-suggestion"
              onClick={() => {
                const next = addChoice(isList ? text.slice(0, text.lastIndexOf(",") + 1) : text, choice.value, isList);
                setText(next);
                const parsed = parseValueInput(row.field, row.op, next);
                setParseError(parsed.ok ? null : parsed.message);
                edit({ value: parsed.ok ? parsed.value : undefined });
              }}
            >
              {optionText(choice)}
            </Button>
          ))}
        </Box>
      ) : null}
      {messages.map((message) => (
        <Text key={message} size={2} color="critical1">
          {message}
        </Text>
      ))}
    </Box>
  );
}
