import type { ApolloQueryResult } from "@apollo/client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ChatMessage_MessageFragment } from "assistant/features/ChatMessage/ChatMessage.generated";
import { useCancelAssistantRunMutation, useSendAssistantMessageMutation } from "assistant/graphql/mutations.generated";
import type { AssistantConversationQuery } from "assistant/graphql/queries.generated";
import { LiveTurn, applyEvent, startTurn, turnMessages } from "assistant/helpers/liveTurn";
import { AssistantEvent, ClientErrorCode, StreamOutcome, followTurn, streamMessage } from "assistant/helpers/stream";
import type { AssistantErrorCode, SendAssistantMessageError } from "graphql/types";

const RESUME_ATTEMPTS = 5;

type Execution = ChatMessage_MessageFragment["toolExecutions"][number];
export type ChatError = {
  // a send's refusals (e.g. INVALID_MESSAGE) and a turn's failures
  code: AssistantErrorCode | SendAssistantMessageError | ClientErrorCode;
  message?: string | null;
  retryText?: string;
  /** The refused message was an edit of this question: retrying sends the edit again. */
  retryReplaces?: string | null;
  /** Seconds before sending again makes sense (RATE_LIMITED). */
  retryAfter?: number;
};
type Mode = "idle" | "streaming" | "resuming" | "waiting";

/** The typed code a GraphQL error carries in its extensions (e.g. DATABASE_UNAVAILABLE), if any. */
function graphQLErrorCode(failure: unknown): string | undefined {
  const errors = (failure as { graphQLErrors?: { extensions?: { code?: unknown } }[] } | null)?.graphQLErrors;
  const code = Array.isArray(errors) ? errors[0]?.extensions?.code : undefined;
  return typeof code === "string" ? code : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type LiveTurnOptions = {
  /** The conversation as last loaded: a turn it says is running is resumed once, on load. */
  conversation: AssistantConversationQuery["assistantConversation"] | null;
  loading: boolean;
  /** Reloads the conversation (after a turn, and to poll without the stream endpoint). */
  refetch: () => Promise<ApolloQueryResult<AssistantConversationQuery>>;
};

/**
 * The turn being answered: sends a message and streams its turn (or falls back to the
 * sendAssistantMessage mutation), resumes a turn that was running when the page loaded,
 * follows a lost connection, stops a turn, and says why a message could not be sent.
 */
export function useLiveTurn(conversationId: string, { conversation, loading, refetch }: LiveTurnOptions) {
  const [live, setLive] = useState<LiveTurn | null>(null);
  const [mode, setMode] = useState<Mode>("idle");
  const [error, setError] = useState<ChatError | null>(null);
  /** The composer's text: a message the server refused (nothing of it was stored) comes back to it. */
  const [draft, setDraft] = useState("");
  const [streamAvailable, setStreamAvailable] = useState(true);
  const abort = useRef<AbortController | null>(null);
  const resumeChecked = useRef(false);
  const liveIsResumed = useRef(false);

  const [sendMutation] = useSendAssistantMessageMutation();
  const [cancelMutation] = useCancelAssistantRunMutation();

  useEffect(() => () => abort.current?.abort(), []);

  const onEvent = useCallback((event: AssistantEvent) => setLive((turn) => applyEvent(turn, event)), []);

  /** Puts a message that was not taken back in the composer, unless something new was typed there. */
  const giveBack = useCallback((text: string) => setDraft((current) => (current.trim() ? current : text)), []);

  const finish = useCallback(
    async (outcome: StreamOutcome | null, retryText?: string, retryReplaces: string | null = null) => {
      try {
        await refetch();
      } catch {
        // the page shows what it has
      }
      setLive(null);
      setMode("idle");
      liveIsResumed.current = false;
      if (outcome?.kind === "refused") {
        setError({ code: outcome.code, message: outcome.message, retryText, retryReplaces, retryAfter: outcome.retryAfter });
        // (a refused edit is not a new message: the banner's Retry sends the edit again)
        if (retryText && !retryReplaces) giveBack(retryText);
      } else if (outcome?.kind === "error" && outcome.retryAfter) {
        // the model's API asked to wait (a rate limit): the banner counts it down at once
        setError({ code: outcome.code, message: outcome.message, retryText, retryReplaces, retryAfter: outcome.retryAfter });
      }
    },
    [refetch, giveBack],
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
    async (text: string, replacesMessageId: string | null) => {
      try {
        const result = await sendMutation({
          variables: { input: { conversationId, message: text, ...(replacesMessageId ? { replacesMessageId } : {}) } },
        });
        const payload = result.data?.sendAssistantMessage;
        await finish(null);
        if (payload && !payload.success && payload.errors.length && !payload.message) {
          setError({ code: payload.errors[0], retryText: text, retryReplaces: replacesMessageId });
          if (!replacesMessageId) giveBack(text); // refused: nothing was stored
        }
      } catch (failure) {
        await finish(null);
        const code = graphQLErrorCode(failure);
        if (code === "DATABASE_UNAVAILABLE") {
          setError({ code, retryText: text, retryReplaces: replacesMessageId });
          if (!replacesMessageId) giveBack(text);
        } else {
          setError({ code: "NETWORK_ERROR", retryText: text, retryReplaces: replacesMessageId });
        }
      }
    },
    [conversationId, finish, giveBack, sendMutation],
  );

  /** Sends a message; with `replacesMessageId`, an edited question that replaces that one and
   * what followed it (the earlier branch stays reachable). */
  const send = useCallback(
    async (text: string, replacesMessageId: string | null = null) => {
      if (!text.trim() || mode !== "idle") return;
      setError(null);
      setLive(startTurn(text, new Date(), replacesMessageId));
      liveIsResumed.current = false;
      if (!streamAvailable) {
        setMode("waiting");
        await sendWithMutation(text, replacesMessageId);
        return;
      }
      setMode("streaming");
      const controller = new AbortController();
      abort.current = controller;
      let outcome = await streamMessage(conversationId, text, { onEvent, signal: controller.signal, replacesMessageId });
      if (outcome.kind === "aborted") return;
      if (outcome.kind === "unavailable") {
        setStreamAvailable(false);
        setMode("waiting");
        await sendWithMutation(text, replacesMessageId);
        return;
      }
      if (outcome.kind === "interrupted" && outcome.started) {
        outcome = await follow(outcome.lastSeq, controller); // the turn goes on server-side
        if (outcome.kind === "aborted") return;
      }
      await finish(outcome, text, replacesMessageId);
      if (outcome.kind === "interrupted") setError({ code: "NETWORK_ERROR", retryText: text, retryReplaces: replacesMessageId });
    },
    [conversationId, finish, follow, mode, onEvent, sendWithMutation, streamAvailable],
  );

  const retry = useCallback(
    (text: string, replacesMessageId: string | null = null) => {
      setError(null);
      setDraft((current) => (current === text ? "" : current)); // it is sent again from here
      send(text, replacesMessageId);
    },
    [send],
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

  /** A tool call of the live turn changed outside the stream (e.g. a write approved). */
  const patchExecution = useCallback((execution: { id: string } & Partial<Execution>) => {
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

  /** A waiting turn was answered (or its writes decided): follow it as it goes on. */
  const followResumed = useCallback(async () => {
    resumeChecked.current = false; // the next load of the conversation follows its running turn
    await refetch().catch(() => undefined);
  }, [refetch]);

  const liveMessages = useMemo(() => (live ? turnMessages(live) : []), [live]);

  return {
    live,
    /** The live turn's two messages (the user's, the answer), shaped like stored ones. */
    liveMessages,
    /** The live turn was resumed after a reload, not sent from this page. */
    liveIsResumed: liveIsResumed.current,
    running: mode !== "idle",
    mode,
    error,
    setError,
    draft,
    setDraft,
    send,
    retry,
    stop,
    patchExecution,
    followResumed,
  };
}
