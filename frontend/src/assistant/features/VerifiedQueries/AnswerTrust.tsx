import { useState } from "react";
import { useTranslation } from "core/helpers/i18n";

export type VerifiedQuery = { id: string; question: string; verifiedBy?: { email: string } | null };
type Execution = { id: string; name: string; success?: boolean | null };

/** What a click answered: a message to show, and whether it went well. */
export type TrustOutcome = { ok: boolean; text: string };
export type TrustAction = (toolExecutionId: string) => Promise<TrustOutcome>;

type AnswerTrustProps = {
  verifiedQueries: readonly VerifiedQuery[];
  toolExecutions: readonly Execution[];
  onVerify?: TrustAction;
  onSaveAsEvaluation?: TrustAction;
};

const QUERY_TOOLS = ["query_database", "query_files"];

/** Under an answer: the verified queries it ran (with who verified them), and for an answer
 * that ran a query, one click to verify it or to save it as an evaluation question. */
const AnswerTrust = ({ verifiedQueries, toolExecutions, onVerify, onSaveAsEvaluation }: AnswerTrustProps) => {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<TrustOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const query = [...toolExecutions].reverse().find((execution) => QUERY_TOOLS.includes(execution.name) && execution.success);
  const act = (action: TrustAction) => async () => {
    if (!query) return;
    setBusy(true);
    try {
      setOutcome(await action(query.id));
    } finally {
      setBusy(false);
    }
  };
  if (verifiedQueries.length === 0 && !(query && (onVerify || onSaveAsEvaluation))) return null;
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs">
      {verifiedQueries.map((verified) => (
        <span key={verified.id} className="rounded-full bg-green-50 px-2 py-0.5 font-medium text-green-800" title={verified.question}>
          {verified.verifiedBy
            ? t("Verified query — verified by {{email}}", { email: verified.verifiedBy.email })
            : t("Verified query")}
        </span>
      ))}
      {query && onVerify && verifiedQueries.length === 0 ? (
        <button type="button" disabled={busy} onClick={act(onVerify)} className="text-gray-600 underline hover:text-gray-900">
          {t("Mark the query as verified")}
        </button>
      ) : null}
      {query && onSaveAsEvaluation ? (
        <button type="button" disabled={busy} onClick={act(onSaveAsEvaluation)} className="text-gray-600 underline hover:text-gray-900">
          {t("Save as an evaluation question")}
        </button>
      ) : null}
      {outcome ? (
        <span role={outcome.ok ? "status" : "alert"} className={outcome.ok ? "text-green-700" : "text-red-700"}>
          {outcome.text}
        </span>
      ) : null}
    </div>
  );
};

export default AnswerTrust;
