import { useApolloClient } from "@apollo/client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ChatMessage_MessageFragment } from "assistant/features/ChatMessage/ChatMessage.generated";
import {
  useApproveAssistantToolExecutionMutation,
  useCancelAssistantRunMutation,
  useRejectAssistantToolExecutionMutation,
  useSendAssistantMessageMutation,
} from "assistant/graphql/mutations.generated";
import {
  AssistantConversationMessagesDocument,
  AssistantConversationMessagesQuery,
  AssistantConversationMessagesQueryVariables,
  useAssistantConversationQuery,
} from "assistant/graphql/queries.generated";
import { LiveTurn, applyEvent, startTurn, turnMessages } from "assistant/helpers/liveTurn";
import { AssistantEvent, StreamOutcome, followTurn, streamMessage } from "assistant/helpers/stream";

export const MESSAGES_PER_PAGE = 20;
const RESUME_ATTEMPTS = 5;

type Message = ChatMessage_MessageFragment;
export type ChatError = { code: string; message?: string | null; retryText?: string };
type Mode = "idle" | "streaming" | "resuming" | "waiting";

function byTime(a: Message, b: Message) {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.role === b.role ? 0 : a.role === "USER" ? -1 : 1;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Everything the chat page does: load, stream, resume after a refresh, stop, approve, page back. */
export function useAssistantChat(conversationId: string) {
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
  const [live, setLive] = useState<LiveTurn | null>(null);
  const [mode, setMode] = useState<Mode>("idle");
  const [error, setError] = useState<ChatError | null>(null);
  const [streamAvailable, setStreamAvailable] = useState(true);
  const abort = useRef<AbortController | null>(null);
  const resumeChecked = useRef(false);
  const liveIsResumed = useRef(false);

  const [sendMutation] = useSendAssistantMessageMutation();
  const [cancelMutation] = useCancelAssistantRunMutation();
  const [approveMutation] = useApproveAssistantToolExecutionMutation();
  const [rejectMutation] = useRejectAssistantToolExecutionMutation();

  useEffect(() => () => abort.current?.abort(), []);

  // Every message loaded so far (page 1 after each turn, older pages on scroll).
  const page = conversation?.messages;
  useEffect(() => {
    if (!page) return;
    setSeen((previous) => {
      const next = { ...previous };
      for (const message of page.items) next[message.id] = message;
      return next;
    });
  }, [page]);

  const onEvent = useCallback((event: AssistantEvent) => setLive((turn) => applyEvent(turn, event)), []);

  const finish = useCallback(
    async (outcome: StreamOutcome | null, retryText?: string) => {
      try {
        await refetch();
      } catch {
        // the page shows what it has
      }
      setLive(null);
      setMode("idle");
      liveIsResumed.current = false;
      if (outcome?.kind === "refused") setError({ code: outcome.code, message: outcome.message, retryText });
    },
    [refetch],
  );

  /** Follows a running turn from `after`, retrying a lost connection a few times. */
  const follow = useCallback(
    async (after: number, controller: AbortController): Promise<StreamOutcome> => {
      let cursor = after;
      let outcome: StreamOutcome = { kind: "interrupted", lastSeq: after, started: false };
      for (let attempt = 0; attempt < RESUME_ATTEMPTS; attempt++) {
        outcome = await followTurn(conversationId, cursor, { onEvent, signal: controller.signal });
        if (outcome.kind !== "interrupted") return outcome;
        cursor = outcome.lastSeq;
        await sleep(500 * (attempt + 1));
      }
      return outcome;
    },
    [conversationId, onEvent],
  );

  /** The stream endpoint is missing: wait for the turn with polling. */
  const pollUntilIdle = useCallback(
    async (controller: AbortController) => {
      for (let i = 0; i < 600 && !controller.signal.aborted; i++) {
        const result = await refetch().catch(() => null);
        if (result && !result.data.assistantConversation?.isRunning) return;
        await sleep(2000);
      }
    },
    [refetch],
  );

  // After a refresh mid-turn: replay the running turn's events, then follow it live.
  useEffect(() => {
    if (!conversation || loading || resumeChecked.current) return;
    resumeChecked.current = true;
    if (!conversation.isRunning || mode !== "idle") return;
    const running = [...conversation.messages.items].reverse().find((m) => m.role === "ASSISTANT" && m.status === "RUNNING");
    const after = running?.firstEventSeq ? running.firstEventSeq - 1 : 0;
    const controller = new AbortController();
    abort.current = controller;
    liveIsResumed.current = true;
    setMode("resuming");
    (async () => {
      const outcome = await follow(after, controller);
      if (outcome.kind === "aborted") return;
      if (outcome.kind === "unavailable") await pollUntilIdle(controller);
      await finish(outcome);
    })();
  }, [conversation, loading, mode, follow, finish, pollUntilIdle]);

  const sendWithMutation = useCallback(
    async (text: string) => {
      try {
        const result = await sendMutation({ variables: { input: { conversationId, message: text } } });
        const payload = result.data?.sendAssistantMessage;
        await finish(null);
        if (payload && !payload.success && payload.errors.length && !payload.message) {
          setError({ code: payload.errors[0], retryText: text });
        }
      } catch {
        await finish(null);
        setError({ code: "NETWORK_ERROR", retryText: text });
      }
    },
    [conversationId, finish, sendMutation],
  );

  const send = useCallback(
    async (text: string) => {
      if (!text.trim() || mode !== "idle") return;
      setError(null);
      setLive(startTurn(text));
      liveIsResumed.current = false;
      if (!streamAvailable) {
        setMode("waiting");
        await sendWithMutation(text);
        return;
      }
      setMode("streaming");
      const controller = new AbortController();
      abort.current = controller;
      let outcome = await streamMessage(conversationId, text, { onEvent, signal: controller.signal });
      if (outcome.kind === "aborted") return;
      if (outcome.kind === "unavailable") {
        setStreamAvailable(false);
        setMode("waiting");
        await sendWithMutation(text);
        return;
      }
      if (outcome.kind === "interrupted" && outcome.started) {
        outcome = await follow(outcome.lastSeq, controller); // the turn goes on server-side
        if (outcome.kind === "aborted") return;
      }
      await finish(outcome, text);
      if (outcome.kind === "interrupted") setError({ code: "NETWORK_ERROR", retryText: text });
    },
    [conversationId, finish, follow, mode, onEvent, sendWithMutation, streamAvailable],
  );

  const stop = useCallback(async () => {
    try {
      const result = await cancelMutation({ variables: { conversationId } });
      const payload = result.data?.cancelAssistantRun;
      if (payload && !payload.success && payload.errors.includes("NOT_RUNNING")) await refetch();
    } catch {
      // the turn ends on its own
    }
  }, [cancelMutation, conversationId, refetch]);

  const patchLiveExecution = useCallback((execution: { id: string } & Partial<Message["toolExecutions"][number]>) => {
    setLive((turn) =>
      turn
        ? {
            ...turn,
            toolExecutions: turn.toolExecutions.map((existing) =>
              existing.id === execution.id ? { ...existing, ...execution } : existing,
            ),
          }
        : turn,
    );
  }, []);

  const approve = useCallback(
    async (id: string) => {
      const result = await approveMutation({ variables: { id } });
      const payload = result.data?.approveAssistantToolExecution;
      if (payload?.toolExecution) patchLiveExecution(payload.toolExecution);
      refetch().catch(() => undefined);
      return { success: Boolean(payload?.success), errors: payload?.errors ?? ["WRITE_FAILED"] };
    },
    [approveMutation, patchLiveExecution, refetch],
  );

  const reject = useCallback(
    async (id: string, reason: string) => {
      const result = await rejectMutation({ variables: { id, reason: reason || null } });
      const payload = result.data?.rejectAssistantToolExecution;
      if (payload?.toolExecution) patchLiveExecution(payload.toolExecution);
      refetch().catch(() => undefined);
      return { success: Boolean(payload?.success), errors: payload?.errors ?? ["WRITE_FAILED"] };
    },
    [rejectMutation, patchLiveExecution, refetch],
  );

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
    const hidden = new Set([live?.userMessageId, live?.assistantMessageId].filter(Boolean) as string[]);
    // Page-1 items come from the cache and are the freshest copy.
    const fresh = new Map((page?.items ?? []).map((message) => [message.id, message]));
    const list = Object.values(seen)
      .map((message) => fresh.get(message.id) ?? message)
      .filter((message) => !hidden.has(message.id));
    list.sort(byTime);
    return list;
  }, [seen, page, live]);

  const liveMessages = useMemo(() => (live ? turnMessages(live) : []), [live]);

  const retry = useCallback(
    (text: string) => {
      setError(null);
      send(text);
    },
    [send],
  );

  return {
    conversation,
    loading: loading && !conversation,
    queryError,
    notFound: !loading && !queryError && data !== undefined && !conversation,
    messages,
    liveMessages,
    live,
    liveIsResumed: liveIsResumed.current,
    running: mode !== "idle",
    mode,
    error,
    setError,
    send,
    retry,
    stop,
    approve,
    reject,
    hasOlder,
    loadingOlder,
    loadOlder,
  };
}
