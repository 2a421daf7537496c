import { useApolloClient } from "@apollo/client";
import Link from "next/link";
import { useRouter } from "next/router";
import { useEffect } from "react";
import { useTranslation } from "core/helpers/i18n";
import AppLayout from "core/layouts/AppLayout";
import AssistantChat from "assistant/features/AssistantChat";
import ConversationSidebar from "assistant/features/ConversationSidebar";
import { prefetchConversation } from "assistant/hooks/useConversationMessages";
import { useWorkspacePageQuery } from "workspaces/graphql/queries.generated";

/** One conversation with the assistant. */
export default function AssistantConversationPage() {
  const { t } = useTranslation();
  const router = useRouter();
  const slug = String(router.query.slug ?? "");
  const conversationId = String(router.query.conversationId ?? "");
  const { data } = useWorkspacePageQuery({ variables: { slug }, skip: !slug });
  // the messages are asked for now, not once AppLayout knows the user: one round trip less
  const client = useApolloClient();
  useEffect(() => {
    if (conversationId) prefetchConversation(client, conversationId);
  }, [client, conversationId]);
  return (
    <AppLayout title={t("Assistant")} workspace={data?.workspace} fullHeight>
      <div className="border-b border-gray-200 bg-white px-4 py-2 text-sm sm:px-6">
        <Link
          href={`/workspaces/${encodeURIComponent(slug)}/assistant`}
          className="text-gray-600 hover:text-gray-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500 rounded-sm"
        >
          ← {t("All conversations")}
        </Link>
      </div>
      <div className="flex min-h-0 flex-1">
        {/* beside the chat from 1280 px (below, it would leave the chat under 60 % of the width);
            narrower, "All conversations" leads to the list, with its search */}
        <aside className="hidden w-64 shrink-0 flex-col border-r border-gray-200 bg-white xl:flex">
          <ConversationSidebar workspaceSlug={slug} currentId={conversationId} />
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          {conversationId ? <AssistantChat key={conversationId} conversationId={conversationId} /> : null}
        </div>
      </div>
    </AppLayout>
  );
}
