import { describe, expect, it } from "vitest";

import {
  changedConfiguration,
  offerProblem,
  parseDuration,
  stagesFromText,
  storedFieldName,
  stagesToText,
  templateProblem,
  tiersFromText,
  tiersToText,
  validateConfig,
  validateExperiment,
  validateStages,
  validateTiers,
} from "./plugin-config";

const defaults = {
  earn_points: "1",
  earn_amount: "1.00",
  earn_rounding: "floor",
  eligible_include_shipping: "false",
  eligible_include_tax: "false",
  pending_period: "14d",
  points_expire_after: "365d",
  expiry_warning_before: "30d",
  tier_basis: "spend",
  tier_window: "365d",
  tiers: "",
  signup_bonus: "0",
  birthday_bonus: "0",
  point_value: "0.01",
  redemption_max_percent: "100",
  redemption_min_points: "0",
  redemption_hold: "24h",
  cart_recovery_enabled: "false",
  cart_recovery_stages: "1h | reminder\n24h | offer\n72h | last_call",
  cart_offer: "percentage 10 items 7d",
  cart_experiment: "",
  cart_min_total: "0",
  storefront_checkout_url: "",
  storefront_unsubscribe_url: "",
  marketing_consent_default: "false",
  message_frequency_cap: "24h",
  cart_messages_per_run: "500",
  cart_reminder_subject: "You left something in your cart",
  cart_reminder_template: "DEFAULT",
  cart_offer_subject: "Your cart is waiting, with {{offer.description}}",
  cart_offer_template: "DEFAULT",
  cart_last_call_subject: "Last call for your cart",
  cart_last_call_template: "DEFAULT",
  smtp_host: "",
  smtp_port: "",
  smtp_user: "",
  smtp_password: "",
  smtp_sender_name: "",
  smtp_sender_address: "",
  smtp_use_tls: "false",
  smtp_use_ssl: "false",
};

describe("configuration validation", () => {
  it("accepts the defaults of docs/configuration.md", () => {
    expect(validateConfig(defaults)).toEqual([]);
  });

  it("reports every problem at once, each naming its field", () => {
    const problems = validateConfig({
      ...defaults,
      earn_amount: "0",
      pending_period: "two weeks",
      cart_recovery_enabled: true,
      storefront_unsubscribe_url: "https://shop.example.com/unsubscribe",
      tiers: "Silver | 500 | 1.25\nGold | 400 | x",
      cart_offer_template: "{{#if offer}}<b>{{offer.code}}</b>",
      smtp_host: "smtp.example.com",
      smtp_use_tls: "true",
      smtp_use_ssl: "true",
    });
    expect(problems).toEqual([
      { field: "earn_amount", message: "Per amount spent: must be greater than zero (not 0)." },
      { field: "pending_period", message: "Pending period: 'two weeks' is not a duration; use e.g. 14d, 36h or 90m." },
      { field: "tiers", line: 2, message: 'Tiers, line 2 ("Gold | 400 | x"): \'x\' is not a number.' },
      { field: "storefront_checkout_url", message: "Storefront checkout URL: required when 'Cart recovery' is on." },
      {
        field: "storefront_unsubscribe_url",
        message: "Storefront unsubscribe URL: must contain {token} (not 'https://shop.example.com/unsubscribe').",
      },
      { field: "cart_offer_template", message: "Offer template: {{#if}} is not closed." },
      { field: "smtp_port", message: "SMTP port: required when 'SMTP host' is set." },
      { field: "smtp_sender_address", message: "Sender address: required when 'SMTP host' is set." },
      { field: "smtp_use_ssl", message: "Use SSL: 'Use TLS' and 'Use SSL' are mutually exclusive; tick one." },
    ]);
  });

  it("reads a pluginUpdate error's field as stored", () => {
    expect(storedFieldName("cartRecoveryStages")).toBe("cart_recovery_stages");
    expect(storedFieldName("tiers")).toBe("tiers");
    expect(storedFieldName(null)).toBeNull();
  });

  it("sends only what changed, and never an empty secret", () => {
    expect(changedConfiguration(defaults, { ...defaults, earn_points: "5", smtp_password: "" })).toEqual([
      { name: "earn_points", value: "5" },
    ]);
    expect(changedConfiguration(defaults, { ...defaults, eligible_include_tax: true })).toEqual([
      { name: "eligible_include_tax", value: "true" },
    ]);
  });
});

describe("tiers", () => {
  it("turns lines into rows and back", () => {
    const text = "Silver | 500 | 1.25\n\nGold|2000|1.5";
    expect(tiersFromText(text)).toEqual([
      { name: "Silver", threshold: "500", multiplier: "1.25" },
      { name: "Gold", threshold: "2000", multiplier: "1.5" },
    ]);
    expect(tiersToText(tiersFromText(text))).toBe("Silver | 500 | 1.25\nGold | 2000 | 1.5");
  });

  it("names the line at fault in the server's words", () => {
    expect(
      validateTiers([
        { name: "Silver", threshold: "500", multiplier: "0" },
        { name: "silver", threshold: "600", multiplier: "1" },
        { name: "", threshold: "abc", multiplier: "1" },
      ]).map((problem) => problem.message),
    ).toEqual([
      'Tiers, line 1 ("Silver | 500 | 0"): must be greater than zero (not 0).',
      'Tiers, line 2 ("silver | 600 | 1"): the name \'silver\' is already used on line 1.',
      'Tiers, line 3 ("| abc | 1"): the name is required.',
      'Tiers, line 3 ("| abc | 1"): \'abc\' is not a number.',
    ]);
    expect(validateTiers(tiersFromText("A | 10 | 1\nB | 10 | 2"))).toEqual([
      { field: "tiers", line: 2, message: 'Tiers, line 2 ("B | 10 | 2"): the threshold must be above line 1\'s (10): list tiers from the lowest.' },
    ]);
  });
});

describe("stages, offers, experiments, templates", () => {
  it("round-trips stages and checks them", () => {
    expect(stagesToText(stagesFromText(defaults.cart_recovery_stages))).toBe(defaults.cart_recovery_stages);
    expect(validateStages(stagesFromText("24h | offer\n1h | nudge\n31d | reminder")).map((p) => p.message)).toEqual([
      "Reminder stages, line 2 (\"1h | nudge\"): 'nudge' is not one of: reminder, offer, last_call.",
      'Reminder stages, line 3 ("31d | reminder"): the delay must be between 1m and 30d.',
    ]);
    expect(validateStages(stagesFromText("24h | offer\n1h | reminder")).map((p) => p.message)).toEqual([
      "Reminder stages, line 2 (\"1h | reminder\"): the delay must be longer than line 1's (24h): delays strictly increase.",
    ]);
  });

  it("reads durations", () => {
    expect(parseDuration("14d")).toBe(14 * 86400);
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("2w")).toBe(14 * 86400);
    expect(parseDuration("0")).toBe(0);
    expect(parseDuration("soon")).toBeNull();
  });

  it("checks offers", () => {
    expect(offerProblem("percentage 10 items 7d")).toBeNull();
    expect(offerProblem("free_shipping 7d")).toBeNull();
    expect(offerProblem("none")).toBeNull();
    expect(offerProblem("percentage 150 items 7d")).toBe("must be between 0 and 100 (not 150).");
    expect(offerProblem("fixed 5 basket 7d")).toBe("'basket' is not one of: items, order.");
    expect(offerProblem("fixed 5 order 60d")).toBe("the validity must be more than 0 and less than 60 days (not 60d).");
    expect(offerProblem("bogo")).toBe("'bogo' is not one of: percentage, fixed, free_shipping.");
  });

  it("checks experiments", () => {
    expect(validateExperiment("ten | 45 | percentage 10 items 7d\nholdout | 10 | none")).toEqual([]);
    expect(validateExperiment("ten | 45 | percentage 10 items 7d").map((p) => p.message)).toEqual([
      "Offer experiment: an experiment needs at least two variants (one a line).",
    ]);
    expect(validateExperiment("a | 0 | none\nA | 5\n").map((p) => p.message)).toEqual([
      'Offer experiment, line 1 ("a | 0 | none"): must be between 1 and 1000 (not 0).',
      "Offer experiment, line 2 (\"A | 5\"): expected 'name | weight | offer or none'.",
    ]);
  });

  it("finds unclosed and crossed Handlebars blocks", () => {
    expect(templateProblem("{{#if offer}}{{offer.code}}{{/if}}")).toBeNull();
    expect(templateProblem("{{#each lines}}{{#if x}}{{/each}}{{/if}}")).toBe("{{/each}} closes {{#if}}.");
    expect(templateProblem("{{/if}}")).toBe("{{/if}} closes nothing.");
    expect(templateProblem("Hello {{name")).toBe("a '{{' is not closed with '}}'.");
    expect(templateProblem("DEFAULT")).toBeNull();
  });
});
