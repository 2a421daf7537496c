import clsx from "clsx";
import Link from "next/link";
import { useEffect, useState } from "react";
import { useTranslation } from "core/helpers/i18n";
import { useAssistantConversationSidebarQuery } from "./ConversationSidebar.generated";

type Props = { workspaceSlug: string; currentId?: string };

type Group = "today" | "yesterday" | "week" | "older";

/** Which date group an ISO time falls in, seen from `now` (local days). */
export function dateGroup(iso: string, now: Date = new Date()): Group {
  const day = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  const days = Math.round((day(now) - day(new Date(iso))) / 86_400_000);
  if (days <= 0) return "today";
  if (days === 1) return "yesterday";
  if (days < 7) return "week";
  return "older";
}

/** The user's conversations in the workspace beside the chat: searched by title, grouped by date. */
const ConversationSidebar = ({ workspaceSlug, currentId }: Props) => {
  const { t } = useTranslation();
  const [typed, setTyped] = useState("");
  const [search, setSearch] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed.trim()), 250);
    return () => clearTimeout(timer);
  }, [typed]);
  const { data, loading } = useAssistantConversationSidebarQuery({
    variables: { slug: workspaceSlug, search: search || null },
    skip: !workspaceSlug,
  });
  const items = data?.workspace?.assistantConversations.items ?? [];
  const labels: Record<Group, string> = {
    today: t("Today"),
    yesterday: t("Yesterday"),
    week: t("Previous 7 days"),
    older: t("Older"),
  };
  const groups = (Object.keys(labels) as Group[])
    .map((group) => ({ group, items: items.filter((item) => dateGroup(item.updatedAt) === group) }))
    .filter(({ items }) => items.length > 0);

  return (
    <nav aria-label={t("Conversations")} className="flex min-h-0 flex-1 flex-col">
      <div className="border-b border-gray-200 p-3">
        <label className="sr-only" htmlFor="conversation-search">
          {t("Search conversations")}
        </label>
        <input
          id="conversation-search"
          type="search"
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          placeholder={t("Search conversations")}
          maxLength={200}
          className="block w-full rounded-md border border-gray-300 px-2.5 py-1.5 text-sm placeholder:text-gray-500 focus:border-blue-500 focus:ring-2 focus:ring-blue-500 focus:outline-none"
        />
      </div>
      <div className="min-h-0 flex-1 overflow-y-auto p-2" tabIndex={-1}>
        {!loading && groups.length === 0 ? (
          <p className="px-2 py-3 text-sm text-gray-600">
            {search ? t("No conversation matches “{{search}}”.", { search }) : t("No conversations yet.")}
          </p>
        ) : null}
        {groups.map(({ group, items }) => (
          <section key={group} aria-label={labels[group]} className="mb-3">
            <h2 className="px-2 pb-1 text-xs font-semibold tracking-wide text-gray-600 uppercase">{labels[group]}</h2>
            <ul>
              {items.map((item) => (
                <li key={item.id}>
                  <Link
                    href={`/workspaces/${encodeURIComponent(workspaceSlug)}/assistant/${item.id}`}
                    aria-current={item.id === currentId ? "page" : undefined}
                    className={clsx(
                      "flex items-center gap-2 truncate rounded-md px-2 py-1.5 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500",
                      item.id === currentId ? "bg-blue-50 font-medium text-blue-900" : "text-gray-800 hover:bg-gray-100",
                    )}
                  >
                    <span className="min-w-0 flex-1">
                      <span className="block truncate">{item.title || t("New conversation")}</span>
                      {item.searchExcerpt ? <span className="line-clamp-2 text-xs text-gray-600">{item.searchExcerpt}</span> : null}
                    </span>
                    {item.isRunning ? <span className="sr-only">{t("Running")}</span> : null}
                    {item.isRunning ? <span aria-hidden="true" className="ml-auto h-2 w-2 shrink-0 rounded-full bg-blue-500" /> : null}
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </nav>
  );
};

export default ConversationSidebar;
