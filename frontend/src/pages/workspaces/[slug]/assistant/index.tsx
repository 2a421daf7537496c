import Link from "next/link";
import { useRouter } from "next/router";
import { useEffect, useState } from "react";
import Button from "core/components/Button";
import Spinner from "core/components/Spinner";
import { useTranslation } from "core/helpers/i18n";
import AppLayout from "core/layouts/AppLayout";
import ConversationList from "assistant/features/ConversationList";
import UsageSummary from "assistant/features/UsageSummary";
import {
  useCreateAssistantConversationMutation,
  useDeleteAssistantConversationMutation,
  useRenameAssistantConversationMutation,
} from "assistant/graphql/mutations.generated";
import { useAssistantConversationsQuery } from "assistant/graphql/queries.generated";

const PER_PAGE = 20;
// While a listed turn runs, the list is read again this often so that its badge and cost follow.
const RUNNING_POLL_MS = 3000;

/** The user's conversations with the assistant in one workspace. */
export default function AssistantConversationsPage() {
  const { t } = useTranslation();
  const router = useRouter();
  const slug = String(router.query.slug ?? "");
  const page = Math.max(1, Number.parseInt(String(router.query.page ?? "1"), 10) || 1);
  // the search box: typed text, searched once the typing pauses
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed.trim()), 250);
    return () => clearTimeout(timer);
  }, [typed]);
  const { data, previousData, loading, refetch, startPolling, stopPolling } = useAssistantConversationsQuery({
    variables: { slug, page, perPage: PER_PAGE, search: search || null },
    skip: !slug,
    fetchPolicy: "cache-and-network",
  });
  const [create, { loading: creating }] = useCreateAssistantConversationMutation();
  const [rename] = useRenameAssistantConversationMutation();
  const [remove] = useDeleteAssistantConversationMutation();
  const [error, setError] = useState<string | null>(null);
  // while a search is answered, the list shown stays on screen
  const shown = data ?? previousData;
  const workspace = shown?.workspace ?? null;
  const conversations = workspace?.assistantConversations;
  const usage = shown?.me.assistantUsage ?? null;
  const anyRunning = Boolean(conversations?.items.some((conversation) => conversation.isRunning));

  useEffect(() => {
    if (!anyRunning) return;
    startPolling(RUNNING_POLL_MS);
    return () => stopPolling();
  }, [anyRunning, startPolling, stopPolling]);

  const onCreate = async () => {
    setError(null);
    const result = await create({ variables: { input: { workspaceSlug: slug } } });
    const payload = result.data?.createAssistantConversation;
    if (payload?.success && payload.conversation) {
      router.push(`/workspaces/${encodeURIComponent(slug)}/assistant/${payload.conversation.id}`);
    } else {
      setError(
        payload?.errors.includes("PERMISSION_DENIED")
          ? t("You may not use the assistant in this workspace.")
          : t("The conversation could not be created."),
      );
    }
  };

  const onRename = async (id: string, title: string) => {
    const result = await rename({ variables: { input: { id, title } } });
    return result.data?.renameAssistantConversation.errors ?? [];
  };

  const onDelete = async (id: string) => {
    const result = await remove({ variables: { input: { id } } });
    const errors = result.data?.deleteAssistantConversation.errors ?? [];
    if (!errors.length) await refetch();
    return errors;
  };

  const goTo = (target: number) =>
    router.push({ pathname: router.pathname, query: { slug, page: target } }, undefined, { shallow: true });

  return (
    <AppLayout title={t("Assistant")} workspace={workspace}>
      <div className="mx-auto w-full max-w-5xl px-4 py-6 sm:px-6 sm:py-8">
        <div className="flex flex-wrap items-center justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold text-gray-900">{t("Assistant")}</h1>
            <p className="mt-1 text-sm text-gray-500">
              {t("Ask questions about this workspace's database and files.")}
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <Link
              href={`/workspaces/${encodeURIComponent(slug)}/assistant/clients`}
              className="rounded-md px-3 py-2 text-sm font-medium text-gray-700 hover:bg-gray-100"
            >
              {t("Connected clients")}
            </Link>
            <Link
              href={`/workspaces/${encodeURIComponent(slug)}/assistant/settings`}
              className="rounded-md px-3 py-2 text-sm font-medium text-gray-700 hover:bg-gray-100"
            >
              {t("Settings")}
            </Link>
            <Button onClick={onCreate} disabled={creating || !workspace} leadingIcon="+">
              {t("New conversation")}
            </Button>
          </div>
        </div>
        {usage ? (
          <div className="mt-4">
            <UsageSummary usage={usage} />
          </div>
        ) : null}
        {error ? (
          <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        ) : null}
        {workspace ? (
          <div className="mt-6" role="search">
            <label className="sr-only" htmlFor="conversation-list-search">
              {t("Search conversations")}
            </label>
            <input
              id="conversation-list-search"
              type="search"
              value={typed}
              onChange={(event) => {
                setTyped(event.target.value);
                if (page > 1) goTo(1); // a new search starts at its first page
              }}
              placeholder={t("Search questions and answers")}
              maxLength={200}
              className="block w-full rounded-md border border-gray-300 px-3 py-2 text-sm placeholder:text-gray-500 focus:border-blue-500 focus:ring-2 focus:ring-blue-500 focus:outline-none sm:max-w-md"
            />
          </div>
        ) : null}
        <div className="mt-4 overflow-hidden rounded-lg bg-white shadow-xs ring-1 ring-gray-200">
          {loading && !shown ? (
            <div className="p-8 text-center text-gray-500">
              <Spinner label={t("Loading")} />
            </div>
          ) : !workspace ? (
            <p className="p-8 text-center text-sm text-gray-600" role="alert">
              {t("This workspace does not exist or you are not a member of it.")}
            </p>
          ) : conversations && conversations.items.length > 0 ? (
            <ConversationList
              workspaceSlug={slug}
              conversations={conversations.items}
              onRename={onRename}
              onDelete={onDelete}
            />
          ) : search ? (
            <p className="p-8 text-center text-sm text-gray-600">{t("No conversation matches “{{search}}”.", { search })}</p>
          ) : (
            <div className="p-10 text-center">
              <p className="text-sm font-medium text-gray-700">{t("No conversations yet.")}</p>
              <p className="mt-1 text-sm text-gray-500">{t("Start one to ask about your data.")}</p>
            </div>
          )}
        </div>
        {search && conversations?.moreMatches ? (
          <p className="mt-2 text-xs text-gray-600" data-testid="more-matches">
            {t("Only the {{limit}} most recently active matching conversations are listed: add words to narrow the search.", {
              limit: conversations.totalItems,
            })}
          </p>
        ) : null}
        {workspace && workspace.sharedAssistantConversations.items.length > 0 ? (
          <section aria-labelledby="shared-conversations" className="mt-8">
            <h2 id="shared-conversations" className="text-sm font-semibold text-gray-900">
              {t("Shared with the workspace")}
            </h2>
            <ul className="mt-2 divide-y divide-gray-100 rounded-lg bg-white shadow-xs ring-1 ring-gray-200">
              {workspace.sharedAssistantConversations.items.map((item) => (
                <li key={item.id} className="px-4 py-3 text-sm">
                  <Link
                    href={`/workspaces/${encodeURIComponent(slug)}/assistant/${item.id}`}
                    className="font-medium break-words text-gray-900 hover:text-blue-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500 rounded-sm"
                  >
                    {item.title || t("New conversation")}
                  </Link>
                  <p className="text-xs text-gray-600">{t("By {{owner}}", { owner: item.ownerName })}</p>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        {conversations && conversations.totalPages > 1 ? (
          <nav aria-label={t("Pages")} className="mt-4 flex items-center justify-between text-sm text-gray-600">
            <span>
              {t("Page {{page}} of {{total}}", { page: conversations.pageNumber, total: conversations.totalPages })}
            </span>
            <span className="flex gap-2">
              <Button variant="white" size="sm" disabled={page <= 1} onClick={() => goTo(page - 1)}>
                {t("Previous")}
              </Button>
              <Button variant="white" size="sm" disabled={page >= conversations.totalPages} onClick={() => goTo(page + 1)}>
                {t("Next")}
              </Button>
            </span>
          </nav>
        ) : null}
      </div>
    </AppLayout>
  );
}
