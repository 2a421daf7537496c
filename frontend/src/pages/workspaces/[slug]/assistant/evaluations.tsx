import Link from "next/link";
import { useRouter } from "next/router";
import { useTranslation } from "core/helpers/i18n";
import AppLayout from "core/layouts/AppLayout";
import Evaluations from "assistant/features/Evaluations";
import { useWorkspacePageQuery } from "workspaces/graphql/queries.generated";

/** The workspace's evaluations: questions with expected results, runs and their grades (admins). */
export default function EvaluationsPage() {
  const { t } = useTranslation();
  const router = useRouter();
  const slug = String(router.query.slug ?? "");
  const { data } = useWorkspacePageQuery({ variables: { slug }, skip: !slug });
  return (
    <AppLayout title={t("Evaluations")} workspace={data?.workspace}>
      <div className="mx-auto w-full max-w-5xl px-6 py-8">
        <Link href={`/workspaces/${encodeURIComponent(slug)}/assistant/settings`} className="text-sm text-gray-500 hover:text-gray-800">
          ← {t("Assistant settings")}
        </Link>
        <h1 className="mt-2 mb-6 text-2xl font-semibold text-gray-900">{t("Evaluations")}</h1>
        {slug ? <Evaluations workspaceSlug={slug} /> : null}
      </div>
    </AppLayout>
  );
}
