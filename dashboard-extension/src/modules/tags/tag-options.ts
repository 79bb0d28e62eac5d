/*
 * Tags in use (customerTags) as picker suggestions: the tag with a hint ("12 customers",
 * marked when a segment rule sets it), leaving out those the customer already carries.
 */
import type { PickerOption } from "../segments/picker-options";

export interface TagCount {
  tag: string;
  customerCount: number;
  automatic: boolean;
}

/** How many suggestions a picker shows (and asks the API for). */
export const TAG_SUGGESTIONS = 8;
/** The most customerTags(first:) accepts. */
export const MAX_TAGS = 100;

/** "12 customers", "1 customer · set by a segment". */
export function tagHint(count: TagCount): string {
  const customers = `${count.customerCount.toLocaleString("en-US")} ${count.customerCount === 1 ? "customer" : "customers"}`;
  return count.automatic ? `${customers} · set by a segment` : customers;
}

/** Picker options, in the API's order (most carried first), without `exclude` (case-insensitive). */
export function tagOptions(counts: readonly TagCount[], exclude: readonly string[] = [], limit = TAG_SUGGESTIONS): PickerOption[] {
  const taken = new Set(exclude.map((tag) => tag.trim().toLowerCase()));
  return counts
    .filter((count) => !taken.has(count.tag))
    .slice(0, limit)
    .map((count) => ({ value: count.tag, label: count.tag, hint: tagHint(count) }));
}
