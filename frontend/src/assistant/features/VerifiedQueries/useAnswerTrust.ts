import { useTranslation } from "core/helpers/i18n";
import type { TrustAction } from "./AnswerTrust";
import { useSaveAssistantAnswerAsEvaluationMutation, useVerifyAssistantQueryMutation } from "./VerifiedQueries.generated";

/** The two one-click actions on an answer's query, as the chat page gives them to its answers. */
export function useAnswerTrust(): { verify: TrustAction; saveAsEvaluation: TrustAction } {
  const { t } = useTranslation();
  const [verifyMutation] = useVerifyAssistantQueryMutation({ refetchQueries: ["AssistantConversation"] });
  const [saveMutation] = useSaveAssistantAnswerAsEvaluationMutation();
  const refused = (errors: readonly string[]) =>
    errors.includes("PERMISSION_DENIED")
      ? t("Only workspace editors and admins can verify queries, and admins save evaluation questions.")
      : t("This could not be saved.");
  const verify: TrustAction = async (toolExecutionId) => {
    const result = await verifyMutation({ variables: { input: { toolExecutionId } } });
    const payload = result.data?.verifyAssistantQuery;
    return payload?.success ? { ok: true, text: t("Saved as a verified query.") } : { ok: false, text: refused(payload?.errors ?? []) };
  };
  const saveAsEvaluation: TrustAction = async (toolExecutionId) => {
    const result = await saveMutation({ variables: { input: { toolExecutionId } } });
    const payload = result.data?.saveAssistantAnswerAsEvaluation;
    return payload?.success
      ? { ok: true, text: t("Saved as an evaluation question.") }
      : { ok: false, text: [refused(payload?.errors ?? []), payload?.message].filter(Boolean).join(" ") };
  };
  return { verify, saveAsEvaluation };
}
