import { t } from "core/helpers/i18n";

/**
 * Plain words for the typed error codes of sendAssistantMessage, the streaming endpoints and
 * the turn itself. `retryable` says whether trying again as is may work.
 */
// Texts are functions so that they are translated when shown, in the language of that moment.
const ERRORS: Record<string, { text: () => string; retryable: boolean }> = {
  NOT_FOUND: { text: () => t("This conversation does not exist or is not yours."), retryable: false },
  EMPTY_MESSAGE: { text: () => t("Write a message first."), retryable: false },
  MESSAGE_TOO_LONG: { text: () => t("This message is too long. Shorten it and send it again."), retryable: false },
  INVALID_MESSAGE: {
    text: () => t("This message contains a character that cannot be sent (an invisible control character or a broken emoji). Remove it and send again."),
    retryable: false,
  },
  CONVERSATION_BUSY: {
    text: () => t("The assistant is still answering in this conversation. Wait for it to finish, or stop it."),
    retryable: true,
  },
  NOT_EDITABLE: {
    text: () => t("This message can no longer be edited: it is not in the conversation as shown. Reload the page."),
    retryable: false,
  },
  RATE_LIMITED: { text: () => t("Too many messages in a short time. Wait a moment and retry."), retryable: true },
  OVERLOADED: { text: () => t("The model is overloaded right now. Retry in a moment."), retryable: true },
  BUDGET_EXCEEDED: {
    text: () => t("The monthly spending limit for the assistant has been reached (yours or the workspace's). Ask a workspace admin."),
    retryable: false,
  },
  ASSISTANT_NOT_CONFIGURED: {
    text: () => t("The assistant is not configured on this server (no Anthropic API key)."),
    retryable: false,
  },
  AUTHENTICATION_FAILED: { text: () => t("The model provider refused the server's credentials."), retryable: false },
  API_ERROR: { text: () => t("The model could not be reached. Retry in a moment."), retryable: true },
  REQUEST_TOO_LARGE: {
    text: () => t("This request was too large for the model. Start a new conversation, or ask for smaller results."),
    retryable: false,
  },
  CONTEXT_TOO_LONG: {
    text: () => t("This conversation is too long for the model. Start a new conversation."),
    retryable: false,
  },
  MAX_TOOL_ROUNDS: {
    text: () => t("The assistant stopped after too many steps without finishing. Ask a narrower question, or ask it to continue."),
    retryable: true,
  },
  INTERRUPTED: {
    text: () => t("The assistant was interrupted and could not finish; what it did is kept. Send your message again to continue."),
    retryable: true,
  },
  DATABASE_UNAVAILABLE: {
    text: () => t("The service is briefly unavailable; your message was not lost. Try again in a moment."),
    retryable: true,
  },
  TURN_NOT_STARTED: {
    text: () => t("The assistant is too busy to start right now; your message was not sent. Try again in a moment."),
    retryable: true,
  },
  INTERNAL_ERROR: { text: () => t("Something went wrong on the server. What was done so far is kept."), retryable: true },
  UNAUTHENTICATED: { text: () => t("Your session has ended. Log in again."), retryable: false },
  NETWORK_ERROR: { text: () => t("The server could not be reached. Check your connection and retry."), retryable: true },
  HTTP_ERROR: { text: () => t("The server answered with an error."), retryable: true },
};

export function describeError(code: string | null | undefined): { text: string; retryable: boolean } {
  if (code && Object.prototype.hasOwnProperty.call(ERRORS, code)) {
    return { text: ERRORS[code].text(), retryable: ERRORS[code].retryable };
  }
  return { text: t("The assistant failed ({{code}}).", { code: code || "UNKNOWN" }), retryable: true };
}

/** Plain words for the errors of approving or rejecting a write. */
export function describeResolveError(code: string): string {
  switch (code) {
    case "FILE_CHANGED":
      return t("The file changed since the write was proposed: nothing was written. Ask the assistant again.");
    case "ALREADY_RESOLVED":
      return t("This write was already approved or rejected.");
    case "PERMISSION_DENIED":
      return t("You may not write files in this workspace.");
    case "INVALID_PATH":
      return t("The path is not allowed.");
    case "FILE_TOO_LARGE":
      return t("The file is too large to write.");
    case "WRITE_FAILED":
      return t("The file could not be written.");
    case "NOT_FOUND":
      return t("This write no longer exists.");
    case "CLOSED":
      return t("This write is closed: a new message was sent, or it waited too long. Nothing was written.");
    case "INVALID_REASON":
      return t("The reason contains a character that cannot be saved (an invisible control character or a broken emoji).");
    default:
      return t("The write failed ({{code}}).", { code });
  }
}

/** Plain words for the errors of answering a question of the assistant. */
export function describeAnswerError(code: string): string {
  switch (code) {
    case "ALREADY_ANSWERED":
      return t("This question was already answered.");
    case "QUESTION_CLOSED":
      return t("This question is closed: a new message was sent, or it waited too long.");
    case "INVALID_ANSWER":
      return t("This answer cannot be sent: pick one of the choices, or type a shorter answer without special characters.");
    case "NOT_FOUND":
      return t("This question no longer exists.");
    case "NETWORK_ERROR":
      return t("The server could not be reached. Check your connection and retry.");
    default:
      return t("The answer could not be sent ({{code}}).", { code });
  }
}

/** A tool call's error in a few plain words, for the card's header (the details, written for the
 * model, stay in the card). */
export function describeToolError(code: string): string {
  switch (code) {
    case "INVALID_SQL":
    case "MULTIPLE_STATEMENTS":
      return t("SQL not valid");
    case "NOT_READ_ONLY":
    case "NOT_ALLOWED":
    case "FUNCTION_NOT_ALLOWED":
      return t("Refused: read-only");
    case "QUERY_TIMEOUT":
      return t("Took too long");
    case "QUERY_ERROR":
      return t("Query failed");
    case "NOT_FOUND":
    case "UNKNOWN_TABLE":
      return t("Not found");
    case "INVALID_PATH":
      return t("Path not allowed");
    case "FILE_TOO_LARGE":
    case "MEMORY_LIMIT":
      return t("Too large");
    case "PERMISSION_DENIED":
      return t("Not allowed for you");
    case "TOOL_DISABLED":
      return t("Turned off in this workspace");
    case "UNANSWERED":
      return t("Not answered");
    case "CANCELLED":
      return t("Stopped");
    case "DHIS2_UNREACHABLE":
      return t("DHIS2 unreachable");
    case "DHIS2_AUTH_FAILED":
      return t("DHIS2 refused the credentials");
    case "DHIS2_ERROR":
      return t("DHIS2 refused the request");
    case "DHIS2_REDIRECT":
      return t("DHIS2 redirected elsewhere");
    case "DHIS2_INVALID_RESPONSE":
      return t("DHIS2's answer could not be read");
    case "RESPONSE_TOO_LARGE":
      return t("Too large");
    case "INVALID_CONFIG":
      return t("Parameters not valid");
    case "PIPELINE_ALREADY_COMPLETED":
      return t("Run already ended");
    case "SANDBOX_UNAVAILABLE":
      return t("Runs cannot be isolated here");
    default:
      return t("Failed");
  }
}
