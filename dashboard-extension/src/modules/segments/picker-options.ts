/*
 * Suggestions for a condition's value: what staff type is matched against names and
 * codes, and a chosen suggestion is added to the row's value (lists) or replaces it.
 */

export interface PickerOption {
  value: string;
  label: string;
  /** Shown after the label, e.g. how many customers carry a tag. */
  hint?: string;
}

/** A suggestion's text: the label, the value when it differs, and the hint. */
export function optionText(option: PickerOption): string {
  const text = option.label === option.value ? option.label : `${option.label} (${option.value})`;
  return option.hint ? `${text} · ${option.hint}` : text;
}

function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .trim();
}

/** Exact code or name first, then names starting with the query, then containing it; at most `limit`. */
export function matchOptions(options: readonly PickerOption[], query: string, limit = 8): PickerOption[] {
  const wanted = fold(query);
  if (!wanted) return options.slice(0, limit);
  const exact: PickerOption[] = [];
  const starts: PickerOption[] = [];
  const contains: PickerOption[] = [];
  for (const option of options) {
    const label = fold(option.label);
    if (fold(option.value) === wanted || label === wanted) exact.push(option);
    else if (label.startsWith(wanted)) starts.push(option);
    else if (label.includes(wanted)) contains.push(option);
  }
  return [...exact, ...starts, ...contains].slice(0, limit);
}

/** The value box's text after choosing `choice`: appended for list operators, else replaced. */
export function addChoice(text: string, choice: string, isList: boolean): string {
  if (!isList) return choice;
  const items = text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.some((item) => item.toLowerCase() === choice.toLowerCase())) return items.join(", ");
  return [...items, choice].join(", ");
}

/** The last item being typed in a list box ("DE, Aus" → "Aus"), to search with. */
export function currentTerm(text: string, isList: boolean): string {
  if (!isList) return text.trim();
  const parts = text.split(",");
  return (parts[parts.length - 1] ?? "").trim();
}
