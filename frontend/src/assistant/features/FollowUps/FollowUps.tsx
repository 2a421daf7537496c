import { useTranslation } from "core/helpers/i18n";

type FollowUpsProps = {
  questions: readonly string[];
  /** Sends the question as the next message. */
  onAsk: (question: string) => void;
  disabled?: boolean;
};

/** Up to three follow-up questions proposed after an answer; a click sends one. */
const FollowUps = ({ questions, onAsk, disabled }: FollowUpsProps) => {
  const { t } = useTranslation();
  if (questions.length === 0) return null;
  return (
    <nav aria-label={t("Follow-up questions")} className="flex flex-wrap gap-2 pt-1">
      {questions.map((question) => (
        <button
          key={question}
          type="button"
          disabled={disabled}
          onClick={() => onAsk(question)}
          className="rounded-full border border-blue-200 bg-white px-3 py-1 text-left text-xs text-blue-800 hover:bg-blue-50 disabled:opacity-50"
        >
          {question}
        </button>
      ))}
    </nav>
  );
};

export default FollowUps;
