import { useCallback, useMemo } from "react";
import { useSwitchAssistantBranchMutation } from "assistant/graphql/mutations.generated";
import { useApprovals } from "./useApprovals";
import { useConversationMessages } from "./useConversationMessages";
import { useLiveTurn } from "./useLiveTurn";

/** The chat page's one entry point: the stored messages, the live turn, the approvals. */
export function useAssistantChat(conversationId: string) {
  const stored = useConversationMessages(conversationId);
  const { conversation, loading, refetch } = stored;
  const turn = useLiveTurn(conversationId, { conversation, loading, refetch });
  const { approve, reject, answer } = useApprovals({ onResolved: turn.patchExecution, onSettled: turn.followResumed });
  const { live } = turn;

  // The live turn shows its own copies of the messages it made; an edited question replaces the
  // one it edits and everything after it.
  const messages = useMemo(() => {
    const hidden = new Set([live?.userMessageId, live?.assistantMessageId].filter(Boolean) as string[]);
    const replaced = live?.replacesMessageId ? stored.messages.findIndex((m) => m.id === live.replacesMessageId) : -1;
    const shown = replaced >= 0 ? stored.messages.slice(0, replaced) : stored.messages;
    return shown.filter((message) => !hidden.has(message.id));
  }, [stored.messages, live]);

  /** Edit and resend: `text` replaces the question `messageId` and what followed it. */
  const { send, setError } = turn;
  const edit = useCallback((messageId: string, text: string) => send(text, messageId), [send]);

  /** Show the branch of another version of an edited question. */
  const [switchBranch] = useSwitchAssistantBranchMutation();
  const switchVersion = useCallback(
    async (messageId: string) => {
      try {
        const result = await switchBranch({ variables: { input: { messageId } } });
        const payload = result.data?.switchAssistantBranch;
        if (payload && !payload.success) setError({ code: payload.errors[0] });
      } catch {
        setError({ code: "NETWORK_ERROR" });
      }
      await refetch().catch(() => undefined);
    },
    [switchBranch, refetch, setError],
  );

  return {
    conversation,
    loading: loading && !conversation,
    queryError: stored.queryError,
    notFound: stored.notFound,
    messages,
    liveMessages: turn.liveMessages,
    live,
    liveIsResumed: turn.liveIsResumed,
    running: turn.running,
    mode: turn.mode,
    error: turn.error,
    setError: turn.setError,
    draft: turn.draft,
    setDraft: turn.setDraft,
    send: turn.send,
    edit,
    switchVersion,
    retry: turn.retry,
    stop: turn.stop,
    /** Follow the turn again once it went on server-side (a pipeline run it waited for ended). */
    followResumed: turn.followResumed,
    approve,
    reject,
    answer,
    hasOlder: stored.hasOlder,
    loadingOlder: stored.loadingOlder,
    loadOlder: stored.loadOlder,
  };
}
