import clsx from "clsx";
import { useTranslation } from "core/helpers/i18n";
import CopyButton from "assistant/features/CopyButton";
import { AssistantFeedback } from "graphql/types";
import { useState } from "react";
import { actsOn } from "assistant/helpers/names";

const actionClass =
  "rounded border border-gray-200 bg-white px-1.5 py-0.5 text-xs text-gray-700 hover:bg-gray-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500";

/** Under one of the user's messages: copy it, or put it back in the composer to edit and resend. */
export const UserMessageActions = ({ text, onEdit }: { text: string; onEdit?: (text: string) => void }) => {
  const { t } = useTranslation();
  return (
    <div className="mt-1 flex justify-end gap-1.5">
      <CopyButton text={() => text} label={t("Copy")} name={actsOn(t, t("Copy"), text)} />
      {onEdit ? (
        <button type="button" className={actionClass} onClick={() => onEdit(text)} aria-label={actsOn(t, t("Edit and resend"), text)}>
          {t("Edit and resend")}
        </button>
      ) : null}
    </div>
  );
};

export type FeedbackHandler = (messageId: string, feedback: AssistantFeedback | null) => Promise<boolean>;

type AnswerActionsProps = {
  messageId: string;
  text: string;
  feedback?: AssistantFeedback | null;
  /** Store the user's feedback; true once stored. Without it, no feedback buttons. */
  onFeedback?: FeedbackHandler;
};

/** Under a finished answer: copy it, and say whether it helped (workspace admins see the counts). */
export const AnswerActions = ({ messageId, text, feedback, onFeedback }: AnswerActionsProps) => {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [refused, setRefused] = useState(false);
  const choose = async (value: AssistantFeedback) => {
    if (!onFeedback) return;
    setBusy(true);
    const stored = await onFeedback(messageId, feedback === value ? null : value).catch(() => false);
    setRefused(!stored);
    setBusy(false);
  };
  const button = (value: AssistantFeedback, label: string, symbol: string) => (
    <button
      type="button"
      className={clsx(actionClass, feedback === value && "border-blue-400 bg-blue-50 text-blue-800")}
      aria-pressed={feedback === value}
      aria-label={actsOn(t, label, text)}
      disabled={busy}
      onClick={() => choose(value)}
    >
      <span aria-hidden="true">{symbol}</span> {label}
    </button>
  );
  return (
    <div className="flex flex-wrap items-center gap-1.5">
      {text ? <CopyButton text={() => text} label={t("Copy")} name={actsOn(t, t("Copy"), text)} /> : null}
      {onFeedback ? button("HELPFUL", t("Helpful"), "👍") : null}
      {onFeedback ? button("NOT_HELPFUL", t("Not helpful"), "👎") : null}
      {refused ? (
        <span role="alert" className="text-xs text-red-700">
          {t("Your feedback could not be saved.")}
        </span>
      ) : null}
    </div>
  );
};
