import type { ApolloClient } from "@apollo/client";
import { useRouter } from "next/router";
import { useEffect } from "react";
import { useMeQuery } from "identity/graphql/queries.generated";
import { WorkspacesDocument, WorkspacesQuery } from "workspaces/graphql/queries.generated";

/** The logged-in user; sends anonymous visitors to the login page (and back here after). */
export function useRequireUser() {
  const router = useRouter();
  const { data, loading } = useMeQuery({ fetchPolicy: "cache-first" });
  const user = data?.me.user ?? null;
  useEffect(() => {
    if (!loading && data && !user) {
      router.replace(`/login?next=${encodeURIComponent(router.asPath)}`);
    }
  }, [loading, data, user, router]);
  return { user, loading: loading || !data };
}

/** Only paths on this site are followed after login. */
export function safeNext(next: unknown): string | null {
  if (typeof next !== "string") return null;
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : null;
}

/** Where a logged-in user starts: the assistant of their only workspace, or the workspace picker. */
export async function landingPath(client: ApolloClient<any>): Promise<string> {
  const { data } = await client.query<WorkspacesQuery>({
    query: WorkspacesDocument,
    variables: { page: 1, perPage: 2 },
    fetchPolicy: "network-only",
  });
  const workspaces = data.workspaces.items;
  return workspaces.length === 1 ? `/workspaces/${encodeURIComponent(workspaces[0].slug)}/assistant` : "/workspaces";
}
