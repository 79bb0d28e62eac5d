/*
 * Turns what the API answered into what staff should read: a missing permission (and
 * which), an inactive programme, or another error. Saleor reports a permission problem
 * as a GraphQL error with `extensions.exception.code == "PermissionDenied"` and a
 * message listing the permissions ("… You need one of the following permissions:
 * MANAGE_USERS").
 */

export interface GraphQLErrorLike {
  message: string;
  path?: readonly (string | number)[] | undefined;
  extensions?: Record<string, unknown> | undefined;
}

export interface CombinedErrorLike {
  graphQLErrors?: readonly GraphQLErrorLike[];
  networkError?: { message: string } | undefined;
  message?: string;
}

export type ErrorDescription =
  | { kind: "permission"; permissions: string[]; paths: string[] }
  | { kind: "network"; message: string }
  | { kind: "api"; message: string };

const PERMISSION_NAMES: Record<string, string> = {
  MANAGE_USERS: "Manage customers",
  MANAGE_ORDERS: "Manage orders",
  MANAGE_CHECKOUTS: "Manage checkouts",
  MANAGE_PLUGINS: "Manage plugins",
  MANAGE_DISCOUNTS: "Manage discounts",
  MANAGE_STAFF: "Manage staff",
  MANAGE_CHANNELS: "Manage channels",
};

export function permissionLabel(code: string): string {
  return PERMISSION_NAMES[code] ? `${PERMISSION_NAMES[code]} (${code})` : code;
}

function isPermissionError(error: GraphQLErrorLike): boolean {
  const exception = error.extensions?.exception as { code?: string } | undefined;
  return exception?.code === "PermissionDenied" || error.extensions?.code === "PermissionDenied" || /need one of the following permissions/i.test(error.message);
}

export function permissionsFromMessage(message: string): string[] {
  const match = message.match(/permissions?:\s*([A-Z_,\s]+)/);
  if (!match?.[1]) return [];
  return match[1]
    .split(/[,\s]+/)
    .map((name) => name.trim())
    .filter((name) => /^[A-Z_]+$/.test(name) && name.length > 2);
}

export function describeError(error: CombinedErrorLike): ErrorDescription {
  const graphQLErrors = error.graphQLErrors ?? [];
  const denied = graphQLErrors.filter(isPermissionError);
  if (denied.length > 0) {
    const permissions = [...new Set(denied.flatMap((item) => permissionsFromMessage(item.message)))];
    const paths = [...new Set(denied.map((item) => (item.path ?? []).join(".")).filter(Boolean))];
    return { kind: "permission", permissions, paths };
  }
  if (error.networkError) {
    return { kind: "network", message: error.networkError.message };
  }
  const first = graphQLErrors[0];
  return { kind: "api", message: first?.message ?? error.message ?? "Unknown error" };
}

/** Whether the staff user (per the AppBridge token) holds every one of `required`. */
export function hasPermissions(granted: readonly string[] | undefined, required: readonly string[]): boolean {
  if (!granted) return true; // unknown: let the API decide
  return required.every((permission) => granted.includes(permission));
}

export function missingPermissions(granted: readonly string[] | undefined, required: readonly string[]): string[] {
  if (!granted) return [];
  return required.filter((permission) => !granted.includes(permission));
}
