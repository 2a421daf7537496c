import { gql } from "@apollo/client";
import clsx from "clsx";
import { useTranslation } from "core/helpers/i18n";
import { ResolveOutcome } from "assistant/features/ApprovalCard";
import Markdown from "assistant/features/Markdown";
import FollowUps from "assistant/features/FollowUps";
import AnswerTrust, { TrustAction, VerifiedQuery } from "assistant/features/VerifiedQueries";
import { AnswerActions, FeedbackHandler } from "assistant/features/MessageActions";
import type { AnswerOutcome } from "assistant/features/QuestionCard";
import ToolExecutionCard from "assistant/features/ToolExecutionCard";
import { describeError } from "assistant/helpers/errors";
import { formatCost, formatTokens } from "assistant/helpers/format";
import { ChatMessage_MessageFragment } from "./ChatMessage.generated";
import UserMessage from "./UserMessage";

type ChatMessageProps = {
  message: ChatMessage_MessageFragment;
  /** The answer is being streamed right now. */
  streaming?: boolean;
  onApprove?: (id: string) => Promise<ResolveOutcome | void> | void;
  onReject?: (id: string, reason: string) => Promise<ResolveOutcome | void> | void;
  describeResolveError?: (code: string) => string;
  onAnswer?: (id: string, answer: string) => Promise<AnswerOutcome | void> | void;
  describeAnswerError?: (code: string) => string;
  /** Edit and resend one of the user's messages: it and what followed it are replaced (a new branch). */
  onEdit?: (messageId: string, text: string) => void;
  /** An edited message of the user's: its versions (AssistantConversation.editedQuestions). */
  versions?: readonly string[];
  /** Show the branch of another version of an edited message. */
  onSwitchVersion?: (messageId: string) => void;
  /** A turn runs or waits for the user: editing and switching versions wait. */
  branchBusy?: boolean;
  onFeedback?: FeedbackHandler;
  /** The follow-up questions of the last answer, and what sends one. */
  followUps?: readonly string[];
  onFollowUp?: (question: string) => void;
  /** The verified queries this answer ran (AssistantConversation.verifiedAnswers). */
  verifiedQueries?: readonly VerifiedQuery[];
  /** One click on an answer's query: verify it, or save it as an evaluation question. */
  onVerify?: TrustAction;
  onSaveAsEvaluation?: TrustAction;
  /** A pipeline run the turn waited for ended: the turn goes on. */
  onRunEnded?: () => void;
  /** Stop waiting for a pipeline run (the run goes on). */
  onStopWaiting?: () => Promise<unknown> | void;
};

export const ThinkingIndicator = () => {
  const { t } = useTranslation();
  return (
    <div role="status" className="flex items-center gap-2 text-sm text-gray-500">
      <span className="flex gap-1" aria-hidden="true">
        <span className="h-1.5 w-1.5 animate-bounce rounded-full bg-gray-400 [animation-delay:-0.3s]" />
        <span className="h-1.5 w-1.5 animate-bounce rounded-full bg-gray-400 [animation-delay:-0.15s]" />
        <span className="h-1.5 w-1.5 animate-bounce rounded-full bg-gray-400" />
      </span>
      {t("Thinking…")}
    </div>
  );
};

type Execution = ChatMessage_MessageFragment["toolExecutions"][number];
type Shown = { text?: string; execution?: Execution };

/** Texts and tool calls in the order the model produced them; the tool calls' details come
 * from `toolExecutions` (kept up to date while a turn streams). Without parts (an older
 * server), tool calls first, then the text. */
function inOrder(message: ChatMessage_MessageFragment): Shown[] {
  const byId = new Map(message.toolExecutions.map((execution) => [execution.id, execution]));
  const parts: Shown[] = [];
  for (const part of message.parts ?? []) {
    const execution = part.toolExecution ? byId.get(part.toolExecution.id) : undefined;
    if (execution) parts.push({ execution });
    else if (part.text) parts.push({ text: part.text });
  }
  if (parts.length > 0 || !message.text) {
    const shown = new Set(parts.map((part) => part.execution?.id));
    // a tool call the parts do not name yet still shows, at the end
    const rest = message.toolExecutions.filter((execution) => !shown.has(execution.id));
    return [...parts, ...rest.map((execution) => ({ execution }))];
  }
  return [...message.toolExecutions.map((execution) => ({ execution })), { text: message.text }];
}

const ChatMessage = ({
  message,
  streaming,
  onApprove,
  onReject,
  describeResolveError,
  onAnswer,
  describeAnswerError,
  onEdit,
  versions,
  onSwitchVersion,
  branchBusy,
  onFeedback,
  followUps,
  onFollowUp,
  verifiedQueries,
  onVerify,
  onSaveAsEvaluation,
  onRunEnded,
  onStopWaiting,
}: ChatMessageProps) => {
  const { t, language } = useTranslation();

  if (message.role === "USER") {
    return (
      <UserMessage message={message} versions={versions} onEdit={onEdit} onSwitchVersion={onSwitchVersion} busy={branchBusy || streaming} />
    );
  }

  const failed = message.status === "FAILED";
  const error = failed ? describeError(message.errorCode) : null;
  const hasUsage = message.inputTokens > 0 || message.outputTokens > 0;

  return (
    <article aria-label={t("Assistant's answer")} className="flex gap-3" data-message-id={message.id} aria-busy={streaming || undefined}>
      <div
        aria-hidden="true"
        // on a phone the answer (its charts, its tables) takes the avatar's width
        className="hidden h-7 w-7 shrink-0 items-center justify-center rounded-full bg-gray-800 text-[0.65rem] font-semibold text-white sm:flex"
      >
        AI
      </div>
      <div className="min-w-0 flex-1 space-y-2">
        {inOrder(message).map((part, index) =>
          part.execution ? (
            <ToolExecutionCard
              key={part.execution.id}
              execution={part.execution}
              onApprove={onApprove}
              onReject={onReject}
              describeResolveError={describeResolveError}
              onAnswer={onAnswer}
              describeAnswerError={describeAnswerError}
              onRunEnded={onRunEnded}
              onStopWaiting={onStopWaiting}
            />
          ) : (
            <Markdown key={`text-${index}`}>{part.text ?? ""}</Markdown>
          ),
        )}
        {streaming ? <ThinkingIndicator /> : null}
        {failed && error && (
          <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
            <p>{error.text}</p>
            {message.errorMessage && message.errorMessage !== error.text ? (
              language === "en" ? (
                <p className="mt-1 text-xs text-red-600">{message.errorMessage}</p>
              ) : (
                // the server's own words are English: kept for whoever needs them, folded, marked as English
                <details className="mt-1 text-xs text-red-600">
                  <summary className="cursor-pointer">{t("Technical details (in English)")}</summary>
                  <p lang="en">{message.errorMessage}</p>
                </details>
              )
            ) : null}
          </div>
        )}
        {message.status === "CANCELLED" && <p className="text-xs text-gray-500 italic">{t("Stopped.")}</p>}
        {message.status === "WAITING" &&
          (message.toolExecutions.some((execution) => execution.status === "AWAITING_RUN") ? (
            <p className="text-xs text-gray-500 italic">{t("Waiting for the pipeline run: the answer goes on when it ends.")}</p>
          ) : (
            <p className="text-xs text-gray-500 italic">{t("Waiting for you: answer above, or write a new message.")}</p>
          ))}
        {!streaming && message.status === "RUNNING" && (
          <p className="text-xs text-gray-500 italic">{t("Still running…")}</p>
        )}
        {!streaming && ["COMPLETE", "CANCELLED", "FAILED"].includes(message.status) ? (
          <AnswerActions messageId={message.id} text={message.text} feedback={message.feedback} onFeedback={onFeedback} />
        ) : null}
        {!streaming && message.status === "COMPLETE" ? (
          <AnswerTrust
            verifiedQueries={verifiedQueries ?? []}
            toolExecutions={message.toolExecutions}
            onVerify={onVerify}
            onSaveAsEvaluation={onSaveAsEvaluation}
          />
        ) : null}
        {!streaming && onFollowUp && message.status === "COMPLETE" ? (
          <FollowUps questions={followUps ?? []} onAsk={onFollowUp} />
        ) : null}
        {hasUsage && (
          <p className="text-xs text-gray-600" aria-label={t("Usage of this answer")}>
            {t("{{input}} input · {{output}} output tokens", {
              input: formatTokens(message.inputTokens + message.cacheReadInputTokens + message.cacheCreationInputTokens),
              output: formatTokens(message.outputTokens),
            })}
            {message.cacheReadInputTokens > 0
              ? ` · ${t("{{cached}} from cache", { cached: formatTokens(message.cacheReadInputTokens) })}`
              : ""}
            {" · "}
            <span className={clsx("font-medium text-gray-500")}>{formatCost(message.cost)}</span>
          </p>
        )}
      </div>
    </article>
  );
};

ChatMessage.fragments = {
  message: gql`
    fragment ChatMessage_message on AssistantMessage {
      id
      role
      text
      status
      errorCode
      errorMessage
      model
      modelCalls
      inputTokens
      outputTokens
      cacheCreationInputTokens
      cacheReadInputTokens
      cost
      firstEventSeq
      createdAt
      feedback
      toolExecutions {
        ...ToolExecutionCard_execution
      }
      parts {
        text
        toolExecution {
          id
        }
      }
    }
    ${ToolExecutionCard.fragments.execution}
  `,
};

export default ChatMessage;
