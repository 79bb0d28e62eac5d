import { Box, Button, Chip, Input, Text } from "@saleor/macaw-ui-next";
import { useState } from "react";

import { currentTerm, optionText } from "../segments/picker-options";
import { useTagSuggestions } from "../tags/use-tag-suggestions";
import { parseTagInput } from "./customer-summary";

export function TagsEditor({ tags, onAdd, onRemove }: { tags: readonly string[]; onAdd: (tags: string[]) => Promise<string | null>; onRemove: (tag: string) => Promise<string | null> }) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const suggestions = useTagSuggestions(currentTerm(text, true), [...tags, ...parseTagInput(text)]);
  const addOne = async (tag: string) => {
    const problem = await onAdd([tag]);
    setError(problem);
    if (!problem) setText(text.slice(0, text.lastIndexOf(",") + 1).trim());
  };
  return (
    <Box display="flex" flexDirection="column" gap={2} data-testid="tags">
      <Box display="flex" gap={1.5} flexWrap="wrap">
        {tags.length === 0 ? (
          <Text size={2} color="default2">
            No tags yet.
          </Text>
        ) : (
          tags.map((tag) => (
            <Chip key={tag} size="large" data-testid={`tag-${tag}`}>
              <Box display="flex" alignItems="center" gap={1}>
                {tag}
                <Box
                  as="button"
                  type="button"
                  aria-label={`Remove tag ${tag}`}
                  backgroundColor="transparent"
                  borderWidth={0}
                  cursor="pointer"
                  onClick={async () => setError(await onRemove(tag))}
                >
                  ×
                </Box>
              </Box>
            </Chip>
          ))
        )}
      </Box>
      <Box
        as="form"
        display="flex"
        gap={2}
        alignItems="center"
        onSubmit={async (event) => {
          event.preventDefault();
          const parsed = parseTagInput(text);
          if (parsed.length === 0) return;
          const problem = await onAdd(parsed);
          setError(problem);
          if (!problem) setText("");
        }}
      >
        <Input size="small" label="Add tags (comma separated)" value={text} onChange={(event) => setText(event.target.value)} data-testid="tag-input" />
        <Button type="submit" variant="secondary" size="small">
          Add
        </Button>
      </Box>
      {suggestions.length > 0 ? (
        <Box display="flex" gap={1} flexWrap="wrap" alignItems="center" data-testid="tag-suggestions">
          <Text size={1} color="default2">
            In use:
          </Text>
          {suggestions.map((option) => (
            <Button key={option.value} type="button" size="small" variant="tertiary" onClick={() => addOne(option.value)} data-testid={`tag-suggestion-${option.value}`}>
              {optionText(option)}
            </Button>
          ))}
        </Box>
      ) : null}
      {error ? (
        <Text size={2} color="critical1">
          {error}
        </Text>
      ) : null}
      <Text size={1} color="default2">
        Tags a segment sets automatically stay while the customer is a member.
      </Text>
    </Box>
  );
}
