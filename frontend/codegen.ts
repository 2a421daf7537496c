import type { CodegenConfig } from "@graphql-codegen/cli";

// Types and hooks from the backend's SDL: each document (a *.graphql file, or a component's
// `.fragments`) gets a *.generated.tsx next to it; base types go to src/graphql/types.ts.
// `npm run codegen` after changing a document or the schema; `make test` checks that the
// committed files are up to date.
const config: CodegenConfig = {
  overwrite: true,
  schema: [
    "../hexa/core/graphql/schema.graphql",
    "../hexa/user_management/graphql/schema.graphql",
    "../hexa/workspaces/graphql/schema.graphql",
    "../hexa/assistant/schema.graphql",
    "../hexa/assistant/evaluations/schema.graphql",
    "../hexa/assistant/verified/schema.graphql",
    "../hexa/assistant/graphql/clients.graphql",
  ],
  documents: ["src/**/*.graphql", "src/**/!(*.generated|*.test).{ts,tsx}"],
  generates: {
    "src/graphql/types.ts": {
      plugins: ["typescript"],
      config: {
        scalars: { UUID: "string", DateTime: "string", JSON: "any" },
        enumsAsTypes: true,
      },
    },
    "src/": {
      preset: "near-operation-file",
      presetConfig: {
        extension: ".generated.tsx",
        baseTypesPath: "graphql/types.ts",
      },
      plugins: ["typescript-operations", "typescript-react-apollo"],
      config: {
        withHooks: true,
        enumsAsTypes: true,
        scalars: { UUID: "string", DateTime: "string", JSON: "any" },
      },
    },
  },
};

export default config;
