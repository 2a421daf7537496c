import Link from "next/link";
import Badge from "core/components/Badge";
import Spinner from "core/components/Spinner";
import { useTranslation } from "core/helpers/i18n";
import AppLayout from "core/layouts/AppLayout";
import { useWorkspacesQuery } from "workspaces/graphql/queries.generated";

/** The user's workspaces: pick one to open its assistant. */
export default function WorkspacesPage() {
  const { t } = useTranslation();
  const { data, loading } = useWorkspacesQuery({ variables: { page: 1, perPage: 50 } });
  return (
    <AppLayout title={t("Workspaces")}>
      <div className="mx-auto w-full max-w-4xl px-6 py-8">
        <h1 className="text-2xl font-semibold text-gray-900">{t("Workspaces")}</h1>
        {loading && !data ? (
          <div className="mt-6 text-gray-500">
            <Spinner label={t("Loading")} />
          </div>
        ) : data?.workspaces.items.length ? (
          <ul className="mt-6 grid gap-4 sm:grid-cols-2">
            {data.workspaces.items.map((workspace) => (
              <li key={workspace.slug}>
                <Link
                  href={`/workspaces/${encodeURIComponent(workspace.slug)}/assistant`}
                  className="block rounded-lg bg-white p-4 shadow-xs ring-1 ring-gray-200 hover:ring-blue-400 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
                >
                  <span className="flex items-center gap-2">
                    <span className="font-medium text-gray-900">{workspace.name}</span>
                    {workspace.myRole ? <Badge>{workspace.myRole}</Badge> : null}
                  </span>
                  {workspace.description ? (
                    <span className="mt-1 line-clamp-2 block text-sm text-gray-500">{workspace.description}</span>
                  ) : null}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-6 text-sm text-gray-600">{t("You are not a member of any workspace yet.")}</p>
        )}
      </div>
    </AppLayout>
  );
}
