import { describe, expect, it } from "vitest";

import { addChoice, currentTerm, matchOptions, optionText } from "./picker-options";

const countries = [
  { value: "AT", label: "Austria" },
  { value: "AU", label: "Australia" },
  { value: "DE", label: "Germany" },
  { value: "CI", label: "Côte d'Ivoire" },
  { value: "IO", label: "British Indian Ocean Territory" },
];

describe("picker options", () => {
  it("matches names and codes, prefixes first, accents ignored", () => {
    expect(matchOptions(countries, "au").map((option) => option.value)).toEqual(["AU", "AT"]);
    expect(matchOptions(countries, "aus").map((option) => option.value)).toEqual(["AT", "AU"]);
    expect(matchOptions(countries, "de").map((option) => option.value)).toEqual(["DE"]);
    expect(matchOptions(countries, "cote").map((option) => option.value)).toEqual(["CI"]);
    expect(matchOptions(countries, "ind").map((option) => option.value)).toEqual(["IO"]);
    expect(matchOptions(countries, "", 2)).toHaveLength(2);
  });

  it("adds a choice to a list once, or replaces a single value", () => {
    expect(addChoice("DE, ", "AT", true)).toBe("DE, AT");
    expect(addChoice("DE, at", "AT", true)).toBe("DE, at");
    expect(addChoice("", "shoes", true)).toBe("shoes");
    expect(addChoice("Silver", "Gold", false)).toBe("Gold");
  });

  it("searches with the item being typed", () => {
    expect(currentTerm("DE, Aus", true)).toBe("Aus");
    expect(currentTerm(" red shoes ", false)).toBe("red shoes");
  });

  it("shows a suggestion's code when it differs from its name, then its hint", () => {
    expect(optionText({ value: "AT", label: "Austria" })).toBe("Austria (AT)");
    expect(optionText({ value: "gold", label: "gold" })).toBe("gold");
    expect(optionText({ value: "vip", label: "vip", hint: "12 customers" })).toBe("vip · 12 customers");
  });
});
