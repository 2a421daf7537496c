import { gql } from "@apollo/client";
import Badge from "core/components/Badge";
import Button from "core/components/Button";
import Spinner from "core/components/Spinner";
import { useTranslation } from "core/helpers/i18n";
import { useReadOnly } from "assistant/helpers/readOnly";
import { FormEvent, useId, useState } from "react";
import { QuestionCard_ExecutionFragment } from "./QuestionCard.generated";

export type AnswerOutcome = { success: boolean; errors: string[] };

type Question = { question: string; choices: string[]; allowFreeText: boolean; answer: string | null };

type QuestionCardProps = {
  execution: QuestionCard_ExecutionFragment;
  /** Absent: the card only shows the question (e.g. in a turn being replayed). */
  onAnswer?: (id: string, answer: string) => Promise<AnswerOutcome | void> | void;
  /** Turns the answer's error codes into words. */
  describeError?: (code: string) => string;
};

/** The question from the call's input (the server checks answers against the same reading),
 * and the answer from its result. The page does not ask for the `question` field: every
 * field of a message counts a hundred times in a page's query cost. */
export function questionOf(execution: QuestionCard_ExecutionFragment): Question | null {
  const input = execution.input;
  if (!input || typeof input !== "object" || typeof input.question !== "string") return null;
  const words = (text: string) => text.split(/\s+/).filter(Boolean).join(" ");
  const choices: string[] = Array.isArray(input.choices)
    ? [...new Set<string>(input.choices.filter((c: unknown): c is string => typeof c === "string").map(words).filter(Boolean))]
    : [];
  const answer = execution.status === "ANSWERED" && typeof execution.output?.answer === "string" ? execution.output.answer : null;
  return { question: words(input.question), choices, allowFreeText: choices.length === 0 || input.allow_free_text !== false, answer };
}

/** A question the model asked (ask_user): its turn waits until the user answers it, with a
 * choice's button or a typed answer. */
const QuestionCard = ({ execution, onAnswer, describeError }: QuestionCardProps) => {
  const { t } = useTranslation();
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[]>([]);
  const fieldId = useId();
  const question = questionOf(execution);
  if (!question) return null;
  const readOnly = useReadOnly();
  const open = execution.status === "AWAITING_ANSWER" && Boolean(onAnswer) && !readOnly;

  const send = async (answer: string) => {
    if (!onAnswer || busy || !answer.trim()) return;
    setBusy(true);
    setErrors([]);
    try {
      const outcome = await onAnswer(execution.id, answer.trim());
      if (outcome && !outcome.success) setErrors(outcome.errors);
    } catch {
      setErrors(["NETWORK_ERROR"]);
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send(typed);
  };

  return (
    <section
      aria-label={t("Question from the assistant")}
      className="rounded-lg border border-blue-200 bg-blue-50/60 p-3"
      data-testid="question-card"
    >
      <div className="flex flex-wrap items-center gap-2">
        <p className="text-sm font-medium text-gray-900">{question.question}</p>
        {execution.status === "AWAITING_ANSWER" && <Badge color="blue">{t("Waiting for your answer")}</Badge>}
        {execution.status === "UNANSWERED" && <Badge>{t("Not answered")}</Badge>}
      </div>
      {execution.status === "ANSWERED" && question.answer !== null ? (
        <p className="mt-2 text-sm text-gray-700">
          {t("Your answer:")} <span className="font-medium text-gray-900">{question.answer}</span>
        </p>
      ) : null}
      {open ? (
        <div className="mt-2 space-y-2">
          {question.choices.length > 0 && (
            <div role="group" aria-label={t("Choices")} className="flex flex-wrap gap-2">
              {question.choices.map((choice) => (
                <Button key={choice} variant="white" size="sm" disabled={busy} onClick={() => send(choice)}>
                  {choice}
                </Button>
              ))}
            </div>
          )}
          {question.allowFreeText && (
            <form onSubmit={onSubmit} className="flex items-center gap-2">
              <label htmlFor={fieldId} className="sr-only">
                {t("Your answer")}
              </label>
              <input
                id={fieldId}
                type="text"
                value={typed}
                maxLength={4000}
                onChange={(event) => setTyped(event.target.value)}
                placeholder={question.choices.length ? t("Or type another answer") : t("Type your answer")}
                className="min-w-0 flex-1 rounded-md border border-gray-300 px-2 py-1 text-sm focus:border-blue-500 focus:outline-none focus:ring-1 focus:ring-blue-500"
                disabled={busy}
              />
              <Button type="submit" size="sm" disabled={busy || !typed.trim()}>
                {busy ? <Spinner className="h-3.5 w-3.5" /> : null}
                {t("Answer")}
              </Button>
            </form>
          )}
          {errors.length > 0 && (
            <p role="alert" className="text-sm text-red-700">
              {errors.map((code) => (describeError ? describeError(code) : code)).join(" ")}
            </p>
          )}
        </div>
      ) : null}
    </section>
  );
};

QuestionCard.fragments = {
  execution: gql`
    fragment QuestionCard_execution on AssistantToolExecution {
      id
      status
      input
      output
    }
  `,
};

export default QuestionCard;
