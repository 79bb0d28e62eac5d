/*
 * What the token can do. Saleor's Dashboard-issued tokens ("thirdparty" JWTs) carry
 * `permissions` (what requests made with it may do) and `user_permissions` (the staff
 * user's own). A widget's token holds exactly its extension's permissions; the app page's
 * token the app's permissions the staff user also has. The views check `permissions`,
 * so they explain a missing permission instead of failing on it.
 */

function decodeBase64Url(segment: string): string {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(segment.length / 4) * 4, "=");
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export interface TokenPermissions {
  permissions: string[];
  userPermissions: string[];
}

/** The permissions in a JWT's payload; null when it cannot be read (the API still decides). */
export function tokenPermissions(token: string | undefined | null): TokenPermissions | null {
  const payload = token?.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(decodeBase64Url(payload)) as { permissions?: unknown; user_permissions?: unknown };
    const list = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);
    if (!Array.isArray(claims.permissions)) return null;
    return { permissions: list(claims.permissions), userPermissions: list(claims.user_permissions) };
  } catch {
    return null;
  }
}
