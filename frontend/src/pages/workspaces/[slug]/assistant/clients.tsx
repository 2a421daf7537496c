import Link from "next/link";
import { useRouter } from "next/router";
import { useTranslation } from "core/helpers/i18n";
import AppLayout from "core/layouts/AppLayout";
import ConnectedClients from "assistant/features/ConnectedClients";
import { useWorkspacePageQuery } from "workspaces/graphql/queries.generated";

/** The user's AI clients (MCP): personal tokens, OAuth clients, their last use. */
export default function ConnectedClientsPage() {
  const { t } = useTranslation();
  const router = useRouter();
  const slug = String(router.query.slug ?? "");
  const { data } = useWorkspacePageQuery({ variables: { slug }, skip: !slug });
  return (
    <AppLayout title={t("Connected clients")} workspace={data?.workspace}>
      <div className="mx-auto w-full max-w-4xl px-6 py-8">
        <Link href={`/workspaces/${encodeURIComponent(slug)}/assistant`} className="text-sm text-gray-500 hover:text-gray-800">
          ← {t("All conversations")}
        </Link>
        <h1 className="mt-2 mb-6 text-2xl font-semibold text-gray-900">{t("Connected clients")}</h1>
        {slug ? <ConnectedClients workspaceSlug={slug} /> : null}
      </div>
    </AppLayout>
  );
}
