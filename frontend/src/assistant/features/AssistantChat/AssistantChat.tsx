import Badge from "core/components/Badge";
import Button from "core/components/Button";
import Spinner from "core/components/Spinner";
import { useTranslation } from "core/helpers/i18n";
import { useApolloClient } from "@apollo/client";
import { Fragment, useEffect, useLayoutEffect, useRef, useState } from "react";
import ChatMessage from "assistant/features/ChatMessage";
import { useAnswerTrust } from "assistant/features/VerifiedQueries";
import ContextSummary from "assistant/features/ContextSummary";
import HiddenHistoryNotice from "assistant/features/HiddenHistoryNotice";
import ErrorBanner from "assistant/features/ErrorBanner";
import MessageComposer from "assistant/features/MessageComposer";
import { useSetAssistantMessageFeedbackMutation } from "assistant/features/MessageActions/MessageActions.generated";
import { AssistantFeedback } from "graphql/types";
import SavedQuestions from "assistant/features/SavedQuestions";
import StartScreen from "assistant/features/StartScreen";
import ToolExecutionCard from "assistant/features/ToolExecutionCard";
import { useAssistantChat } from "assistant/hooks/useAssistantChat";
import { describeAnswerError, describeError, describeResolveError } from "assistant/helpers/errors";
import { formatCost, formatTokens } from "assistant/helpers/format";
import { ReadOnlyConversation } from "assistant/helpers/readOnly";
import {
  useContinueAssistantConversationMutation,
  useShareAssistantConversationMutation,
} from "assistant/graphql/mutations.generated";
import Router from "next/router";

const NEAR_BOTTOM_PX = 160;

/** The chat of one conversation: its messages, the streamed answer, the composer. */
const AssistantChat = ({ conversationId }: { conversationId: string }) => {
  const { t } = useTranslation();
  const chat = useAssistantChat(conversationId);
  const [setFeedback] = useSetAssistantMessageFeedbackMutation();
  const trust = useAnswerTrust();
  const [share, { loading: sharing }] = useShareAssistantConversationMutation();
  const [continueAsMine, { loading: continuing }] = useContinueAssistantConversationMutation();
  const client = useApolloClient();
  const wasRunning = useRef(chat.running);
  useEffect(() => {
    // the conversations beside the chat follow its turns: a new one appears, a finished one moves up
    if (chat.running !== wasRunning.current) {
      client.refetchQueries({ include: ["AssistantConversationSidebar"] }).catch(() => undefined);
    }
    wasRunning.current = chat.running;
  }, [chat.running, client]);
  const { conversation, messages, liveMessages, live } = chat;
  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const heightBeforeOlder = useRef<number | null>(null);
  const [awayFromLatest, setAwayFromLatest] = useState(false);
  const announcement = useAnnouncement(chat);

  // Follow the conversation's end unless the reader scrolled up.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    if (heightBeforeOlder.current !== null) {
      element.scrollTop += element.scrollHeight - heightBeforeOlder.current;
      heightBeforeOlder.current = null;
    } else if (stickToBottom.current) {
      element.scrollTop = element.scrollHeight;
    }
  }, [messages, liveMessages]);

  // Charts and tables grow after they are shown (a chart is drawn, a picture loads): while the
  // reader follows the end, the end is kept in view as they grow, so that a long conversation
  // opens at its latest message.
  const content = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = content.current;
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (stickToBottom.current && scroller.current) scroller.current.scrollTop = scroller.current.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  });

  const loadOlder = () => {
    if (!chat.hasOlder || chat.loadingOlder) return;
    heightBeforeOlder.current = scroller.current?.scrollHeight ?? null;
    chat.loadOlder();
  };

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    stickToBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < NEAR_BOTTOM_PX;
    setAwayFromLatest(!stickToBottom.current);
    if (element.scrollTop < 80) loadOlder();
  };

  const jumpToLatest = () => {
    const element = scroller.current;
    if (!element) return;
    stickToBottom.current = true;
    setAwayFromLatest(false);
    element.scrollTop = element.scrollHeight;
  };

  const showPendingApproval = () => {
    const card = scroller.current?.querySelector<HTMLElement>("[data-pending-approval]");
    card?.scrollIntoView({ block: "center" });
    card?.querySelector<HTMLElement>("button")?.focus();
  };

  useEffect(() => {
    if (live) stickToBottom.current = stickToBottom.current || live.text === "";
  }, [live]);

  if (chat.loading) {
    return (
      <div className="flex flex-1 items-center justify-center p-8 text-gray-500">
        <Spinner label={t("Loading the conversation")} />
      </div>
    );
  }
  if (chat.notFound || !conversation) {
    return (
      <div className="p-8 text-sm text-gray-600" role="alert">
        {chat.queryError ? t("The conversation could not be loaded.") : t("This conversation does not exist or is not yours.")}
      </div>
    );
  }

  const shownIds = new Set(
    [...messages, ...liveMessages].flatMap((message) => message.toolExecutions.map((execution) => execution.id)),
  );
  const otherPending = conversation.pendingApprovals.filter((execution) => !shownIds.has(execution.id));
  const pendingInMessages = countPending([...messages, ...liveMessages]);
  // During a turn, the server's running total from the stream; otherwise (or from an older
  // server that does not send it) what the query returned.
  const totalCost = live?.conversationCost ?? conversation.cost;
  const liveTokens =
    live && !chat.liveIsResumed
      ? live.inputTokens + live.outputTokens + live.cacheReadInputTokens + live.cacheCreationInputTokens
      : 0;
  const totalTokens =
    conversation.inputTokens +
    conversation.outputTokens +
    conversation.cacheReadInputTokens +
    conversation.cacheCreationInputTokens +
    liveTokens;
  const lastMessage = messages[messages.length - 1];
  const lastUserText = [...messages].reverse().find((message) => message.role === "USER")?.text;
  const canRetryLast =
    !chat.running &&
    !live &&
    lastMessage?.role === "ASSISTANT" &&
    lastMessage.status === "FAILED" &&
    describeError(lastMessage.errorCode).retryable &&
    Boolean(lastUserText);

  // summaries and answers the model is no longer sent (written while rows were sent to it)
  const summaryAfter = new Map(
    conversation.summaries.filter((summary) => !summary.hiddenFromModel).map((summary) => [summary.lastMessageId, summary]),
  );
  const lastHiddenId = conversation.lastAnswerHiddenFromModel;
  const versionsOf = new Map(conversation.editedQuestions.map((question) => [question.messageId, question.versions]));
  const verifiedByMessage = new Map(conversation.verifiedAnswers.map((answer) => [answer.messageId, answer.verifiedQueries]));

  const onFeedback = async (messageId: string, feedback: AssistantFeedback | null) => {
    const result = await setFeedback({ variables: { input: { messageId, feedback } } });
    return Boolean(result.data?.setAssistantMessageFeedback.success);
  };

  // an answer being written, or waiting for the user, belongs to the branch shown: editing and
  // switching versions wait for it (the server refuses them with CONVERSATION_BUSY)
  const branchBusy = chat.running || [...messages, ...liveMessages].some((message) => message.status === "WAITING");

  const renderMessage = (message: (typeof messages)[number], streaming = false) => (
    <ChatMessage
      key={message.id}
      message={message}
      streaming={streaming}
      onApprove={chat.approve}
      onReject={chat.reject}
      describeResolveError={describeResolveError}
      onAnswer={chat.answer}
      describeAnswerError={describeAnswerError}
      onEdit={chat.edit}
      versions={versionsOf.get(message.id)}
      onSwitchVersion={chat.switchVersion}
      branchBusy={branchBusy}
      onFeedback={onFeedback}
      followUps={message.id === lastMessage?.id ? conversation.followUps : undefined}
      onFollowUp={!streaming && !chat.running && message.id === lastMessage?.id ? chat.send : undefined}
      verifiedQueries={verifiedByMessage.get(message.id)}
      onVerify={trust.verify}
      onSaveAsEvaluation={trust.saveAsEvaluation}
      onRunEnded={chat.followResumed}
      onStopWaiting={chat.stop}
    />
  );

  const readOnly = !conversation.isMine;
  const onContinue = async () => {
    const result = await continueAsMine({ variables: { input: { id: conversation.id } } });
    const copy = result.data?.continueAssistantConversation.conversation;
    if (copy) Router.push(`/workspaces/${encodeURIComponent(conversation.workspace.slug)}/assistant/${copy.id}`);
  };

  return (
    <ReadOnlyConversation.Provider value={readOnly}>
    <div className="flex min-h-0 flex-1 flex-col">
      <header className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-gray-200 bg-white px-4 py-3 sm:px-6">
        <h1 className="min-w-0 truncate text-lg font-semibold text-gray-900">{conversation.title || t("New conversation")}</h1>
        {conversation.offlineModel ? (
          // the French label is long: it wraps rather than widen the page
          <Badge color="purple" wrap>
            {t("Offline demo model — not Claude")}
          </Badge>
        ) : (
          <Badge color="gray">{conversation.model}</Badge>
        )}
        <p className="ml-auto text-sm text-gray-600" aria-label={t("Conversation total")}>
          {t("{{tokens}} tokens", { tokens: formatTokens(totalTokens), count: totalTokens })} ·{" "}
          <span className="font-medium text-gray-800">{formatCost(totalCost)}</span>
        </p>
        {conversation.isMine ? (
          <Button
            variant="white"
            size="sm"
            aria-pressed={conversation.shared}
            disabled={sharing}
            onClick={() => share({ variables: { input: { id: conversation.id, shared: !conversation.shared } } })}
          >
            {conversation.shared ? t("Shared with the workspace") : t("Share with the workspace")}
          </Button>
        ) : null}
      </header>
      {readOnly ? (
        <div role="note" className="flex flex-wrap items-center gap-2 border-b border-blue-200 bg-blue-50 px-4 py-2 text-sm text-blue-900 sm:px-6">
          <span className="flex-1">{t("Shared by {{owner}}: you can read it, not change it.", { owner: conversation.ownerName })}</span>
          <Button size="sm" onClick={onContinue} disabled={continuing}>
            {t("Continue as my conversation")}
          </Button>
        </div>
      ) : null}

      {/* Announced to screen readers: what changed, never the whole history again. */}
      <div aria-live="polite" className="sr-only" data-testid="chat-announcement">
        {announcement}
      </div>
      <div className="relative flex min-h-0 flex-1 flex-col">
        <div
          ref={scroller}
          onScroll={onScroll}
          // the component keeps the reading position itself when older messages load
          className="min-h-0 flex-1 overflow-y-auto bg-gray-50 [overflow-anchor:none] focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-blue-500"
          data-testid="chat-scroller"
          // scrollable with the keyboard
          tabIndex={0}
          role="region"
          aria-label={t("Messages")}
          aria-busy={chat.running || undefined}
        >
          <div ref={content} className="mx-auto max-w-4xl space-y-5 px-4 py-6 sm:px-6">
            {chat.hasOlder && (
              <div className="flex justify-center">
                <Button variant="white" size="sm" onClick={loadOlder} disabled={chat.loadingOlder}>
                  {chat.loadingOlder ? <Spinner /> : null}
                  {t("Load older messages")}
                </Button>
              </div>
            )}
            {messages.length === 0 && liveMessages.length === 0 && (
              <div className="py-16 text-center text-sm text-gray-600">
                <p className="font-medium text-gray-700">{t("Ask a question about this workspace.")}</p>
                <p className="mt-1">
                  {t("The assistant can query the workspace database and read its files. It asks before writing anything.")}
                </p>
                <SavedQuestions workspaceSlug={conversation.workspace.slug} onAsk={chat.send} disabled={chat.running} />
                <StartScreen workspaceSlug={conversation.workspace.slug} onAsk={chat.send} disabled={chat.running} />
              </div>
            )}
            {messages.map((message) => {
              const summary = summaryAfter.get(message.id);
              return summary || message.id === lastHiddenId ? (
                <Fragment key={message.id}>
                  {renderMessage(message)}
                  {message.id === lastHiddenId ? <HiddenHistoryNotice /> : null}
                  {summary ? <ContextSummary text={summary.text} /> : null}
                </Fragment>
              ) : (
                renderMessage(message)
              );
            })}
            {liveMessages.map((message) => renderMessage(message, message.role === "ASSISTANT" && live?.status === "streaming"))}
            {live?.status === "streaming" && live.rerunning ? (
              <p role="status" className="text-sm text-gray-600">
                {t("The server running this answer stopped; the interrupted step ({{tool}}) is being run again.", { tool: live.rerunning })}
              </p>
            ) : null}
            {canRetryLast && lastUserText ? (
              <div className="flex justify-end">
                <Button variant="white" size="sm" onClick={() => chat.retry(lastUserText)}>
                  {t("Retry")}
                </Button>
              </div>
            ) : null}
          </div>
        </div>
        {awayFromLatest ? (
          <div className="pointer-events-none absolute inset-x-0 bottom-3 flex justify-center">
            <Button variant="white" size="sm" onClick={jumpToLatest} className="pointer-events-auto shadow-md">
              {t("Jump to latest")} <span aria-hidden="true">↓</span>
            </Button>
          </div>
        ) : null}
      </div>

      {readOnly ? null : (
      <div className="border-t border-gray-200 bg-white px-4 pt-3 pb-2 sm:px-6">
        <div className="mx-auto max-w-4xl space-y-2">
          {pendingInMessages > 0 ? (
            <div className="flex flex-wrap items-center gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-1.5 text-sm text-amber-900">
              <span className="flex-1">
                {pendingInMessages === 1
                  ? t("A change to a file awaits your approval.")
                  : t("{{n}} changes to files await your approval.", { n: pendingInMessages })}
              </span>
              <Button variant="white" size="sm" onClick={showPendingApproval}>
                {t("Show")}
              </Button>
            </div>
          ) : null}
          {otherPending.length > 0 && (
            <section aria-label={t("Writes awaiting your decision")} className="space-y-2">
              {otherPending.map((execution) => (
                <ToolExecutionCard
                  key={execution.id}
                  execution={execution}
                  onApprove={chat.approve}
                  onReject={chat.reject}
                  describeResolveError={describeResolveError}
                />
              ))}
            </section>
          )}
          {chat.error && (
            <ErrorBanner
              code={chat.error.code}
              message={chat.error.message}
              retryAfter={chat.error.retryAfter}
              onRetry={chat.error.retryText ? () => chat.retry(chat.error!.retryText!, chat.error!.retryReplaces) : undefined}
              onDismiss={() => chat.setError(null)}
            />
          )}
          <MessageComposer
            onSend={chat.send}
            onStop={chat.stop}
            running={chat.running}
            value={chat.draft}
            onChange={chat.setDraft}
            autoFocus={messages.length === 0 && liveMessages.length === 0}
          />
        </div>
      </div>
      )}
    </div>
    </ReadOnlyConversation.Provider>
  );
};

type Chat = ReturnType<typeof useAssistantChat>;
type Messages = Chat["messages"];

function countPending(messages: Messages): number {
  return messages.reduce(
    (count, message) => count + message.toolExecutions.filter((e) => e.status === "PENDING_APPROVAL").length,
    0,
  );
}

/** A short sentence for screen readers when the turn's state changes: working, answer ready, failed,
 * approval needed. */
function useAnnouncement(chat: Chat): string {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const wasRunning = useRef(chat.running);
  const pending = countPending([...chat.messages, ...chat.liveMessages]);
  const pendingBefore = useRef(pending);
  const last = chat.messages[chat.messages.length - 1];
  useEffect(() => {
    if (chat.running && !wasRunning.current) setText(t("The assistant is working on your question."));
    if (!chat.running && wasRunning.current && last?.role === "ASSISTANT") {
      if (last.status === "COMPLETE") setText(t("Answer ready."));
      else if (last.status === "CANCELLED") setText(t("The assistant was stopped."));
      else if (last.status === "FAILED") setText(t("The answer failed: {{reason}}", { reason: describeError(last.errorCode).text }));
    }
    wasRunning.current = chat.running;
  }, [chat.running, last, t]);
  useEffect(() => {
    if (pending > pendingBefore.current) setText(t("Approval needed: the assistant proposes a change to a file."));
    pendingBefore.current = pending;
  }, [pending, t]);
  return text;
}

export default AssistantChat;
