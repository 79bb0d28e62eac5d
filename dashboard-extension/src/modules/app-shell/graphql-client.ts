import type { AppBridge } from "@saleor/app-sdk/app-bridge";
import { authExchange } from "@urql/exchange-auth";
import { cacheExchange, createClient, fetchExchange } from "urql";

/*
 * The one GraphQL client: Saleor's /graphql/ with the AppBridge token. The token is read
 * at each request, so the Dashboard's token refreshes (every few minutes) apply at once;
 * its permissions are the extension's intersected with the staff user's.
 */
export function createGraphQLClient(appBridge: AppBridge, saleorApiUrl: string, fetchFunction?: typeof fetch) {
  return createClient({
    url: saleorApiUrl,
    // Saleor answers GET /graphql/ with its playground: every operation is a POST.
    preferGetMethod: false,
    requestPolicy: "cache-and-network",
    ...(fetchFunction ? { fetch: fetchFunction } : {}),
    exchanges: [
      cacheExchange,
      authExchange(async (utils) => ({
        addAuthToOperation(operation) {
          const token = appBridge.getState().token;
          return token ? utils.appendHeaders(operation, { "Authorization-Bearer": token }) : operation;
        },
        didAuthError(error) {
          return error.graphQLErrors.some((graphQLError) => graphQLError.extensions?.code === "ExpiredSignatureError");
        },
        async refreshAuth() {
          // The Dashboard pushes a fresh token through AppBridge; nothing to fetch here.
        },
      })),
      fetchExchange,
    ],
  });
}
