import { useCallback } from "react";
import type { ResolveOutcome } from "assistant/features/ApprovalCard";
import type { ChatMessage_MessageFragment } from "assistant/features/ChatMessage/ChatMessage.generated";
import {
  useAnswerAssistantQuestionMutation,
  useApproveAssistantToolExecutionMutation,
  useRejectAssistantToolExecutionMutation,
} from "assistant/graphql/mutations.generated";

type Execution = ChatMessage_MessageFragment["toolExecutions"][number];

type ApprovalsOptions = {
  /** The resolved tool call as the server now has it (to update a turn still on screen). */
  onResolved: (execution: { id: string } & Partial<Execution>) => void;
  /** After a decision or an answer: reloads the conversation and follows its turn, which goes on. */
  onSettled: () => Promise<unknown>;
};

/** Approves or rejects a proposed write, answers a question of the assistant; resolves to
 * what the card shows. Each resumes the turn that waited for it. */
export function useApprovals({ onResolved, onSettled }: ApprovalsOptions) {
  const [approveMutation] = useApproveAssistantToolExecutionMutation();
  const [rejectMutation] = useRejectAssistantToolExecutionMutation();
  const [answerMutation] = useAnswerAssistantQuestionMutation();

  const settled = useCallback(
    (payload: { success: boolean; errors: string[]; toolExecution?: ({ id: string } & Partial<Execution>) | null } | undefined, fallback: string): ResolveOutcome => {
      if (payload?.toolExecution) onResolved(payload.toolExecution);
      onSettled().catch(() => undefined);
      return { success: Boolean(payload?.success), errors: payload?.errors ?? [fallback] };
    },
    [onResolved, onSettled],
  );

  const approve = useCallback(
    async (id: string): Promise<ResolveOutcome> => {
      const result = await approveMutation({ variables: { id } });
      return settled(result.data?.approveAssistantToolExecution, "WRITE_FAILED");
    },
    [approveMutation, settled],
  );

  const reject = useCallback(
    async (id: string, reason: string): Promise<ResolveOutcome> => {
      const result = await rejectMutation({ variables: { id, reason: reason || null } });
      return settled(result.data?.rejectAssistantToolExecution, "WRITE_FAILED");
    },
    [rejectMutation, settled],
  );

  const answer = useCallback(
    async (id: string, text: string): Promise<ResolveOutcome> => {
      const result = await answerMutation({ variables: { input: { toolExecutionId: id, answer: text } } });
      return settled(result.data?.answerAssistantQuestion, "NETWORK_ERROR");
    },
    [answerMutation, settled],
  );

  return { approve, reject, answer };
}
