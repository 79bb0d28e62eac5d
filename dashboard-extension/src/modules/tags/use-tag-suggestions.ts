import { useQuery } from "urql";

import { CustomerTagsDocument } from "../../generated/graphql";
import type { PickerOption } from "../segments/picker-options";
import { useDebouncedValue } from "../ui/use-debounced-value";
import { MAX_TAGS, TAG_SUGGESTIONS, tagOptions } from "./tag-options";

/** Tags in use that contain `term` (the most carried when empty), without `exclude`. */
export function useTagSuggestions(term: string, exclude: readonly string[] = []): PickerOption[] {
  const search = useDebouncedValue(term.trim(), 300);
  const [result] = useQuery({ query: CustomerTagsDocument, variables: { search: search || null, first: Math.min(MAX_TAGS, TAG_SUGGESTIONS + exclude.length) } });
  return tagOptions(result.data?.customerTags ?? [], exclude);
}
