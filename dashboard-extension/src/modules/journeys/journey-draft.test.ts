import { describe, expect, it } from "vitest";

import type { JourneyDefinitionFragment } from "../../generated/graphql";
import { draftFromJourney, draftToInput, errorKey, errorsByKey, unplacedErrors } from "./journey-draft";
import { kindSpec } from "./journey-rows";

const winBack = kindSpec("WIN_BACK")!;

const journey: JourneyDefinitionFragment = {
  id: "Sm91cm5leTox",
  kind: "WIN_BACK",
  name: "Win-back",
  enabled: true,
  holdoutPercent: 10,
  triggerSettings: { days: 90, daysBefore: null, churnRiskPercent: null, segment: null },
  stages: [
    { number: 1, delay: "1h", delaySeconds: 3600, subject: "We miss you", body: "<p>200 points</p>", offerPoints: 200 },
    { number: 2, delay: "14d", delaySeconds: 1209600, subject: "Your balance", body: "<p>…</p>", offerPoints: 0 },
  ],
};

describe("journey draft", () => {
  it("starts from the journey, filling settings it does not store with their default", () => {
    expect(draftFromJourney(journey, winBack)).toEqual({
      holdoutPercent: "10",
      settings: { days: "90", churnRiskPercent: "0" },
      stages: [
        { delay: "1h", subject: "We miss you", body: "<p>200 points</p>", offerPoints: "200" },
        { delay: "14d", subject: "Your balance", body: "<p>…</p>", offerPoints: "0" },
      ],
    });
  });

  it("sends every setting of the kind and every stage with its body unchanged", () => {
    const draft = draftFromJourney(journey, winBack);
    draft.settings.days = " 60 ";
    draft.stages[1]!.offerPoints = "";
    expect(draftToInput(draft, winBack)).toEqual({
      input: {
        holdoutPercent: 10,
        triggerSettings: { days: 60, churnRiskPercent: 0 },
        stages: [
          { delay: "1h", subject: "We miss you", body: "<p>200 points</p>", offerPoints: 200 },
          { delay: "14d", subject: "Your balance", body: "<p>…</p>", offerPoints: 0 },
        ],
      },
      problems: [],
    });
  });

  it("sends no trigger settings for a kind without any", () => {
    const tierUp = kindSpec("TIER_UP")!;
    const built = draftToInput(draftFromJourney({ ...journey, kind: "TIER_UP" }, tierUp), tierUp);
    expect(built.input).not.toHaveProperty("triggerSettings");
  });

  it("refuses what is not a whole number, at its field, and leaves ranges to the server", () => {
    const draft = draftFromJourney(journey, winBack);
    draft.settings.days = "3";
    draft.holdoutPercent = "ten";
    draft.stages[0]!.offerPoints = "1.5";
    expect(draftToInput(draft, winBack)).toEqual({
      input: null,
      problems: [
        { key: "holdoutPercent", message: "A whole number." },
        { key: "stages[0].offerPoints", message: "A whole number." },
      ],
    });
  });
});

describe("server errors", () => {
  it.each([
    [{ field: "triggerSettings", path: "days" }, "triggerSettings.days"],
    [{ field: "triggerSettings", path: "days_before" }, "triggerSettings.daysBefore"],
    [{ field: "stages", path: "stages[1].delay" }, "stages[1].delay"],
    [{ field: "stages", path: "stages[0].offer_points" }, "stages[0].offerPoints"],
    [{ field: "stages", path: null }, "stages"],
    [{ field: "holdoutPercent", path: null }, "holdoutPercent"],
    [{ field: null, path: null }, ""],
  ])("%o belongs to %s", (error, key) => {
    expect(errorKey(error)).toBe(key);
  });

  it("groups messages by field without the path they start with, and names those no field shows", () => {
    const byKey = errorsByKey([
      { field: "triggerSettings", path: "days", message: "days: 'days' is a whole number from 7 to 730." },
      { field: "stages", path: "stages[0].body", message: "stages[0].body: {{offer.pts}} is not a variable." },
      { field: null, path: null, message: "Network down" },
    ]);
    expect(byKey.get("triggerSettings.days")).toEqual(["'days' is a whole number from 7 to 730."]);
    expect(unplacedErrors(byKey, draftFromJourney(journey, winBack))).toEqual([
      { key: "stages[0].body", message: "{{offer.pts}} is not a variable." },
      { key: "", message: "Network down" },
    ]);
  });
});
