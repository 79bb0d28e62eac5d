import { describe, expect, it } from "vitest";

import { describeError, hasPermissions, missingPermissions, permissionLabel, permissionsFromMessage } from "./describe-error";

describe("describeError", () => {
  it("recognises Saleor's permission error and names the permissions", () => {
    expect(
      describeError({
        graphQLErrors: [
          {
            message: "To access this path, you need one of the following permissions: MANAGE_USERS",
            path: ["user", "crmTags"],
            extensions: { exception: { code: "PermissionDenied" } },
          },
          {
            message: "To access this path, you need one of the following permissions: MANAGE_ORDERS, MANAGE_USERS",
            path: ["user", "loyalty", "entries", "edges", 0, "node", "order"],
            extensions: { exception: { code: "PermissionDenied" } },
          },
        ],
      }),
    ).toEqual({
      kind: "permission",
      permissions: ["MANAGE_USERS", "MANAGE_ORDERS"],
      paths: ["user.crmTags", "user.loyalty.entries.edges.0.node.order"],
    });
  });

  it("reports network and other API errors", () => {
    expect(describeError({ networkError: { message: "Failed to fetch" } })).toEqual({ kind: "network", message: "Failed to fetch" });
    expect(describeError({ graphQLErrors: [{ message: "Couldn't resolve id: x." }] })).toEqual({
      kind: "api",
      message: "Couldn't resolve id: x.",
    });
  });

  it("reads permission lists from messages", () => {
    expect(permissionsFromMessage("You need one of the following permissions: MANAGE_CHECKOUTS, HANDLE_PAYMENTS")).toEqual([
      "MANAGE_CHECKOUTS",
      "HANDLE_PAYMENTS",
    ]);
    expect(permissionsFromMessage("no list here")).toEqual([]);
  });
});

describe("permissions of the staff user", () => {
  it("checks the token's permissions", () => {
    expect(hasPermissions(["MANAGE_USERS"], ["MANAGE_USERS"])).toBe(true);
    expect(hasPermissions(["MANAGE_ORDERS"], ["MANAGE_USERS"])).toBe(false);
    expect(hasPermissions(undefined, ["MANAGE_USERS"])).toBe(true);
    expect(missingPermissions(["MANAGE_ORDERS"], ["MANAGE_USERS", "MANAGE_ORDERS"])).toEqual(["MANAGE_USERS"]);
  });

  it("labels permissions as the Dashboard names them", () => {
    expect(permissionLabel("MANAGE_USERS")).toBe("Manage customers (MANAGE_USERS)");
    expect(permissionLabel("HANDLE_PAYMENTS")).toBe("HANDLE_PAYMENTS");
  });
});
