import { useMemo } from "react";
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

  // The live turn shows its own copies of the messages it made.
  const messages = useMemo(() => {
    const hidden = new Set([live?.userMessageId, live?.assistantMessageId].filter(Boolean) as string[]);
    return stored.messages.filter((message) => !hidden.has(message.id));
  }, [stored.messages, live]);

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
