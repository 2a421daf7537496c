import { type ApolloClient, useApolloClient } from "@apollo/client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ChatMessage_MessageFragment } from "assistant/features/ChatMessage/ChatMessage.generated";
import {
  AssistantConversationMessagesDocument,
  AssistantConversationMessagesQuery,
  AssistantConversationMessagesQueryVariables,
  AssistantConversationDocument,
  useAssistantConversationQuery,
} from "assistant/graphql/queries.generated";

export const MESSAGES_PER_PAGE = 20;

type Message = ChatMessage_MessageFragment;

/**
 * Asks for a conversation and its newest messages ahead of its chat (the conversation page
 * does, beside the user and the workspace, instead of once the user is known): the chat's
 * own query then joins the request in flight or finds the answer in Apollo's cache.
 */
export function prefetchConversation(client: ApolloClient<object>, conversationId: string): void {
  client
    .query({ query: AssistantConversationDocument, variables: { id: conversationId, perPage: MESSAGES_PER_PAGE } })
    .catch(() => undefined); // the chat's own query reports what went wrong
}

function byTime(a: Message, b: Message) {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.role === b.role ? 0 : a.role === "USER" ? -1 : 1;
}

/**
 * The conversation and its stored messages: page 1 (the newest) from Apollo's cache, kept
 * fresh by `refetch`, and older pages loaded on demand, oldest first.
 */
export function useConversationMessages(conversationId: string) {
  const client = useApolloClient();
  const { data, loading, error: queryError, refetch } = useAssistantConversationQuery({
    variables: { id: conversationId, perPage: MESSAGES_PER_PAGE },
    fetchPolicy: "cache-and-network",
    nextFetchPolicy: "cache-first",
    skip: !conversationId,
  });
  const conversation = data?.assistantConversation ?? null;
  const [seen, setSeen] = useState<Record<string, Message>>({});
  const [olderPage, setOlderPage] = useState(1);
  const [loadingOlder, setLoadingOlder] = useState(false);

  // Every message loaded so far (page 1 after each turn, older pages on scroll). Page 1 is the
  // truth for the time it spans: a message loaded before that is newer than its oldest item but
  // not in it has left the conversation's branch (a question was edited, another version shown);
  // then the older pages are numbered anew, and loaded again from page 2.
  const page = conversation?.messages;
  const seenNow = useRef(seen);
  seenNow.current = seen;
  useEffect(() => {
    if (!page) return;
    const inPage = new Set(page.items.map((message) => message.id));
    const oldest = page.items[0];
    const older = (message: Message) => page.totalPages > 1 && Boolean(oldest) && byTime(message, oldest) < 0;
    const branchChanged = Object.values(seenNow.current).some((message) => !inPage.has(message.id) && !older(message));
    if (branchChanged) setOlderPage(1);
    setSeen((previous) => {
      const next: Record<string, Message> = {};
      if (!branchChanged) Object.assign(next, previous);
      for (const message of page.items) next[message.id] = message;
      return next;
    });
  }, [page]);

  const loadedCount = Object.keys(seen).length;
  const totalItems = page?.totalItems ?? 0;
  const hasOlder = Boolean(page) && loadedCount < totalItems && olderPage < (page?.totalPages ?? 0);

  const loadOlder = useCallback(async () => {
    if (loadingOlder || !hasOlder) return;
    setLoadingOlder(true);
    try {
      const next = olderPage + 1;
      const result = await client.query<AssistantConversationMessagesQuery, AssistantConversationMessagesQueryVariables>({
        query: AssistantConversationMessagesDocument,
        variables: { id: conversationId, page: next, perPage: MESSAGES_PER_PAGE },
        fetchPolicy: "network-only",
      });
      const items = result.data.assistantConversation?.messages.items ?? [];
      setSeen((previous) => {
        const merged = { ...previous };
        for (const message of items) if (!merged[message.id]) merged[message.id] = message;
        return merged;
      });
      setOlderPage(next);
    } finally {
      setLoadingOlder(false);
    }
  }, [client, conversationId, hasOlder, loadingOlder, olderPage]);

  const messages = useMemo(() => {
    // Page-1 items come from the cache and are the freshest copy.
    const fresh = new Map((page?.items ?? []).map((message) => [message.id, message]));
    const list = Object.values(seen).map((message) => fresh.get(message.id) ?? message);
    list.sort(byTime);
    return list;
  }, [seen, page]);

  return {
    conversation,
    /** The query is loading (also while a cached conversation is being refreshed). */
    loading,
    queryError,
    notFound: !loading && !queryError && data !== undefined && !conversation,
    refetch,
    /** Every stored message loaded so far, oldest first. */
    messages,
    hasOlder,
    loadingOlder,
    loadOlder,
  };
}
