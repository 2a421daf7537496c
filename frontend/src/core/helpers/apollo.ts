import { ApolloClient, HttpLink, InMemoryCache, from } from "@apollo/client";
import { onError } from "@apollo/client/link/error";

/** Where the page reaches the API: the Next server proxies it to the backend (same origin). */
export const GRAPHQL_ENDPOINT = "/graphql/";

export function createCache() {
  return new InMemoryCache({
    typePolicies: {
      Workspace: { keyFields: ["slug"], merge: true },
      Me: { keyFields: [], merge: true },
      AssistantConversation: { merge: true },
      AssistantMessage: { merge: true },
      AssistantToolExecution: { merge: true },
      AssistantWriteProposal: { merge: true },
    },
  });
}

let client: ApolloClient<any> | undefined;

export function getApolloClient() {
  if (client && typeof window !== "undefined") return client;
  const link = from([
    onError(({ graphQLErrors }) => {
      const unauthenticated = graphQLErrors?.some((error) => error.extensions?.code === "UNAUTHENTICATED");
      if (unauthenticated && typeof window !== "undefined" && window.location.pathname !== "/login") {
        const next = encodeURIComponent(window.location.pathname + window.location.search);
        window.location.assign(`/login?next=${next}`);
      }
    }),
    new HttpLink({ uri: GRAPHQL_ENDPOINT, credentials: "same-origin" }),
  ]);
  const created = new ApolloClient({
    link,
    cache: createCache(),
    ssrMode: typeof window === "undefined",
    defaultOptions: { watchQuery: { fetchPolicy: "cache-and-network" } },
  });
  if (typeof window !== "undefined") client = created;
  return created;
}
