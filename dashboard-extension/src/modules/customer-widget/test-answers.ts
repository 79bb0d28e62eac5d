/* The API's answers about one customer, shared by the customer widget's tests. */

export const crm = (overrides: { isActive?: boolean; balance?: number; consent?: ConsentAnswer | null } = {}) => ({
  data: {
    user: {
      id: "VXNlcjoy",
      email: "bob@example.com",
      firstName: "Bob",
      lastName: "",
      isStaff: false,
      crmTags: ["vip"],
      crmBirthday: null,
      crmMarketingConsent: overrides.consent === undefined ? { granted: true, source: "customer", updatedAt: "2026-03-01T10:00:00Z" } : overrides.consent,
      loyalty: {
        balance: overrides.balance ?? 1200,
        pending: 300,
        lifetimePoints: 5000,
        progressToNextTier: 0.5,
        pointsValue: { amount: 12, currency: "USD" },
        tier: { name: "Silver", threshold: 500, multiplier: 1.25 },
        nextTier: { name: "Gold", threshold: 2000 },
        entries: {
          totalCount: 1,
          edges: [
            {
              node: { id: "e1", points: 150, type: "ADJUST", status: "AVAILABLE", reason: "Late delivery goodwill", createdAt: "2026-11-20T10:00:00Z", availableAt: null, expiresAt: null },
            },
          ],
        },
      },
    },
    loyaltyProgram: { channel: "default-channel", isActive: overrides.isActive ?? true, tierBasis: "SPEND", pointValue: { amount: 0.01, currency: "USD" } },
  },
});

export const segments = {
  data: {
    user: {
      id: "VXNlcjoy",
      segmentExplanations: [
        {
          isMember: true,
          segment: { id: "s1", name: "Big spenders", memberCount: 3, channel: { slug: "default-channel" } },
          conditions: [{ path: "", description: "Total spent > 500", holds: true, actual: "812.40" }],
        },
      ],
      rfm: [],
    },
  },
};

export type ConsentAnswer = { granted: boolean; source: string; updatedAt: string };

/** The answer of `customerMarketingConsentSet`: the consent stored now, or errors and nothing changed. */
export const consentSet = (consent: ConsentAnswer | null, errors: { field: string; code: string; message: string }[] = []) => ({
  data: {
    customerMarketingConsentSet: {
      __typename: "CustomerMarketingConsentSet",
      granted: consent?.granted ?? null,
      user: { __typename: "User", id: "VXNlcjoy", crmMarketingConsent: consent && { __typename: "CustomerMarketingConsent", ...consent } },
      errors: errors.map((error) => ({ __typename: "ConsentError", ...error })),
    },
  },
});
