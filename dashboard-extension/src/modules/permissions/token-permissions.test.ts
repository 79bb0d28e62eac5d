import { describe, expect, it } from "vitest";

import { tokenPermissions } from "./token-permissions";

function jwt(payload: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "RS256", typ: "JWT" })}.${encode(payload)}.signature`;
}

describe("tokenPermissions", () => {
  it("reads the token's and the user's permissions", () => {
    const token = jwt({
      token: "x",
      type: "thirdparty",
      permissions: ["MANAGE_USERS"],
      user_permissions: ["MANAGE_USERS", "MANAGE_ORDERS"],
      app: "QXBwOjE=",
      email: "ñandú@example.com",
    });
    expect(tokenPermissions(token)).toEqual({ permissions: ["MANAGE_USERS"], userPermissions: ["MANAGE_USERS", "MANAGE_ORDERS"] });
  });

  it("returns null for what it cannot read", () => {
    expect(tokenPermissions(undefined)).toBeNull();
    expect(tokenPermissions("not-a-jwt")).toBeNull();
    expect(tokenPermissions("a.!!!.c")).toBeNull();
    expect(tokenPermissions(jwt({ type: "access" }))).toBeNull();
  });
});
