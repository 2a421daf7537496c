import { useCallback } from "react";
import type { ResolveOutcome } from "assistant/features/ApprovalCard";
import type { ChatMessage_MessageFragment } from "assistant/features/ChatMessage/ChatMessage.generated";
import {
  useApproveAssistantToolExecutionMutation,
  useRejectAssistantToolExecutionMutation,
} from "assistant/graphql/mutations.generated";

type Execution = ChatMessage_MessageFragment["toolExecutions"][number];

type ApprovalsOptions = {
  /** The resolved tool call as the server now has it (to update a turn still on screen). */
  onResolved: (execution: { id: string } & Partial<Execution>) => void;
  /** Reloads the conversation (its pending approvals, its messages). */
  refetch: () => Promise<unknown>;
};

/** Approves or rejects a proposed write; resolves to what the approval card shows. */
export function useApprovals({ onResolved, refetch }: ApprovalsOptions) {
  const [approveMutation] = useApproveAssistantToolExecutionMutation();
  const [rejectMutation] = useRejectAssistantToolExecutionMutation();

  const approve = useCallback(
    async (id: string): Promise<ResolveOutcome> => {
      const result = await approveMutation({ variables: { id } });
      const payload = result.data?.approveAssistantToolExecution;
      if (payload?.toolExecution) onResolved(payload.toolExecution);
      refetch().catch(() => undefined);
      return { success: Boolean(payload?.success), errors: payload?.errors ?? ["WRITE_FAILED"] };
    },
    [approveMutation, onResolved, refetch],
  );

  const reject = useCallback(
    async (id: string, reason: string): Promise<ResolveOutcome> => {
      const result = await rejectMutation({ variables: { id, reason: reason || null } });
      const payload = result.data?.rejectAssistantToolExecution;
      if (payload?.toolExecution) onResolved(payload.toolExecution);
      refetch().catch(() => undefined);
      return { success: Boolean(payload?.success), errors: payload?.errors ?? ["WRITE_FAILED"] };
    },
    [rejectMutation, onResolved, refetch],
  );

  return { approve, reject };
}
