import type { CodegenConfig } from "@graphql-codegen/cli";

/*
 * Typed documents from the `.graphql` files beside the code, checked against Saleor's
 * schema with the CRM plugin's fields (graphql/schema.graphql, `npm run schema`).
 * Offline: no network. Documents named `*.pending.graphql` use fields the API does not
 * have yet (see docs/dashboard.md) and are left out until they exist.
 */
const config: CodegenConfig = {
  schema: "graphql/schema.graphql",
  documents: ["src/**/*.graphql", "!src/**/*.pending.graphql"],
  overwrite: true,
  generates: {
    "src/generated/graphql.ts": {
      plugins: ["typescript", "typescript-operations", "typed-document-node"],
      config: {
        enumsAsTypes: true,
        onlyOperationTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: false },
        scalars: {
          ID: "string",
          JSONString: "string",
          DateTime: "string",
          Date: "string",
          UUID: "string",
          PositiveDecimal: "number",
          Decimal: "number",
        },
      },
    },
  },
};

export default config;
