import { gql } from "@apollo/client";
import Link from "next/link";
import Badge from "core/components/Badge";
import Button from "core/components/Button";
import { useTranslation } from "core/helpers/i18n";
import { FormEvent, useState } from "react";
import { formatCost, formatDate, formatTokens } from "assistant/helpers/format";
import { ConversationList_ConversationFragment } from "./ConversationList.generated";

type ConversationListProps = {
  workspaceSlug: string;
  conversations: ConversationList_ConversationFragment[];
  onRename: (id: string, title: string) => Promise<string[] | void> | void;
  onDelete: (id: string) => Promise<string[] | void> | void;
};

const Row = ({
  workspaceSlug,
  conversation,
  onRename,
  onDelete,
}: { conversation: ConversationList_ConversationFragment } & Omit<ConversationListProps, "conversations">) => {
  const { t } = useTranslation();
  const [mode, setMode] = useState<"view" | "rename" | "delete">("view");
  const [title, setTitle] = useState(conversation.title);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const label = conversation.title || t("New conversation");
  const tokens =
    conversation.inputTokens + conversation.cacheReadInputTokens + conversation.cacheCreationInputTokens + conversation.outputTokens;

  const rename = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const result = await onRename(conversation.id, title.trim());
    setBusy(false);
    if (result && result.length) setErrors(result);
    else {
      setErrors([]);
      setMode("view");
    }
  };

  const remove = async () => {
    setBusy(true);
    const result = await onDelete(conversation.id);
    setBusy(false);
    if (result && result.length) setErrors(result);
  };

  return (
    <tr className="hover:bg-gray-50">
      <td className="px-3 py-3 text-sm break-words sm:px-4">
        {mode === "rename" ? (
          <form onSubmit={rename} className="flex flex-wrap items-center gap-2">
            <label className="sr-only" htmlFor={`title-${conversation.id}`}>
              {t("Title")}
            </label>
            <input
              id={`title-${conversation.id}`}
              autoFocus
              value={title}
              maxLength={200}
              onChange={(event) => setTitle(event.target.value)}
              onKeyDown={(event) => event.key === "Escape" && setMode("view")}
              className="w-full max-w-md min-w-0 flex-1 basis-40 rounded-md border border-gray-300 px-2.5 py-1.5 text-sm shadow-xs focus:border-blue-500 focus:ring-2 focus:ring-blue-500 focus:outline-none"
            />
            <Button type="submit" size="sm" disabled={busy || !title.trim()}>
              {t("Save")}
            </Button>
            <Button size="sm" variant="outlined" onClick={() => setMode("view")}>
              {t("Cancel")}
            </Button>
          </form>
        ) : (
          <Link
            href={`/workspaces/${encodeURIComponent(workspaceSlug)}/assistant/${conversation.id}`}
            className="font-medium text-gray-900 hover:text-blue-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500 rounded-sm"
          >
            {label}
          </Link>
        )}
        {conversation.isRunning ? (
          <Badge color="blue" className="ml-2">
            {t("Running")}
          </Badge>
        ) : null}
        {conversation.searchExcerpt ? (
          <p className="mt-0.5 text-xs text-gray-700" data-testid="search-excerpt">
            {conversation.searchExcerpt}
          </p>
        ) : null}
        {/* under 1024 px the figures of the hidden columns go under the title */}
        <p className="mt-0.5 text-xs text-gray-600 lg:hidden">
          {formatDate(conversation.updatedAt)} · {t("{{tokens}} tokens", { tokens: formatTokens(tokens), count: tokens })} ·{" "}
          {formatCost(conversation.cost)}
        </p>
        {errors.length > 0 && (
          <p role="alert" className="mt-1 text-xs text-red-700">
            {errors.includes("INVALID_TITLE") ? t("Give a title of 1 to 200 characters, without invisible control characters.") : errors.join(", ")}
          </p>
        )}
      </td>
      <td className="hidden px-4 py-3 text-sm whitespace-nowrap text-gray-500 lg:table-cell">{formatDate(conversation.updatedAt)}</td>
      <td className="hidden px-4 py-3 text-right text-sm whitespace-nowrap text-gray-500 tabular-nums lg:table-cell">
        {formatTokens(tokens)}
      </td>
      <td className="hidden px-4 py-3 text-right text-sm whitespace-nowrap text-gray-700 tabular-nums lg:table-cell">
        {formatCost(conversation.cost)}
      </td>
      <td className="px-2 py-3 text-right text-sm sm:px-4 lg:whitespace-nowrap">
        {mode === "delete" ? (
          <span className="inline-flex flex-wrap items-center justify-end gap-2">
            <span className="text-xs text-gray-600">{t("Delete?")}</span>
            <Button size="sm" variant="danger" onClick={remove} disabled={busy} aria-label={t("Confirm deleting {{title}}", { title: label })}>
              {t("Delete")}
            </Button>
            <Button size="sm" variant="outlined" onClick={() => setMode("view")}>
              {t("Cancel")}
            </Button>
          </span>
        ) : mode === "view" ? (
          <span className="inline-flex flex-wrap justify-end gap-1">
            <Button size="sm" variant="outlined" onClick={() => setMode("rename")} aria-label={t("Rename {{title}}", { title: label })}>
              {t("Rename")}
            </Button>
            <Button size="sm" variant="outlined" onClick={() => setMode("delete")} aria-label={t("Delete {{title}}", { title: label })}>
              {t("Delete")}
            </Button>
          </span>
        ) : null}
      </td>
    </tr>
  );
};

/** The user's conversations in a workspace: open, rename, delete. */
const ConversationList = ({ workspaceSlug, conversations, onRename, onDelete }: ConversationListProps) => {
  const { t } = useTranslation();
  return (
    // below 1024 px only the title and the actions are columns (the figures go under the title)
    <table className="w-full table-fixed divide-y divide-gray-200 lg:table-auto">
      <thead className="bg-gray-50">
        <tr>
          <th scope="col" className="px-3 py-2.5 text-left text-xs font-medium tracking-wide text-gray-500 uppercase sm:px-4">
            {t("Conversation")}
          </th>
          <th scope="col" className="hidden px-4 py-2.5 text-left text-xs font-medium tracking-wide text-gray-500 uppercase lg:table-cell">
            {t("Last activity")}
          </th>
          <th scope="col" className="hidden px-4 py-2.5 text-right text-xs font-medium tracking-wide text-gray-500 uppercase lg:table-cell">
            {t("Tokens")}
          </th>
          <th scope="col" className="hidden px-4 py-2.5 text-right text-xs font-medium tracking-wide text-gray-500 uppercase lg:table-cell">
            {t("Cost")}
          </th>
          <th scope="col" className="w-40 px-2 py-2.5 sm:w-48 sm:px-4 lg:w-auto">
            <span className="sr-only">{t("Actions")}</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-gray-100 bg-white">
        {conversations.map((conversation) => (
          <Row
            key={conversation.id}
            workspaceSlug={workspaceSlug}
            conversation={conversation}
            onRename={onRename}
            onDelete={onDelete}
          />
        ))}
      </tbody>
    </table>
  );
};

ConversationList.fragments = {
  conversation: gql`
    fragment ConversationList_conversation on AssistantConversation {
      id
      title
      cost
      inputTokens
      outputTokens
      cacheCreationInputTokens
      cacheReadInputTokens
      isRunning
      createdAt
      updatedAt
      searchExcerpt
    }
  `,
};

export default ConversationList;
