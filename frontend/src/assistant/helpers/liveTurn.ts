/**
 * The turn being streamed, rebuilt from its events into the same shape as the messages
 * loaded with GraphQL, so that the page renders both the same way.
 */
import type { ChatMessage_MessageFragment } from "assistant/features/ChatMessage/ChatMessage.generated";
import { toolNameOf } from "assistant/features/ToolExecutionCard/toolConfig";
import type { AssistantErrorCode, AssistantMessageStatus, AssistantWriteAction } from "graphql/types";
import { addCosts } from "./format";
import type { AssistantEvent } from "./stream";

type ToolExecution = ChatMessage_MessageFragment["toolExecutions"][number];
type Part = ChatMessage_MessageFragment["parts"][number];

function textPart(text: string): Part {
  return { __typename: "AssistantMessagePart", text, toolExecution: null };
}

/** The parts after some more text: it continues the last text, or starts a new one after a tool call. */
function withText(parts: Part[], text: string, separator: string): Part[] {
  const last = parts[parts.length - 1];
  if (last && !last.toolExecution) return [...parts.slice(0, -1), textPart((last.text ?? "") + separator + text)];
  return [...parts, textPart(text)];
}

/**
 * The parts once a turn was resumed by another worker: the tool calls stay where they are, and the
 * texts keep only what the server stored (`stored`, the model calls that completed, joined by blank
 * lines); the text streamed by the interrupted call goes, since that call is made again. When the
 * texts cannot be matched with what is stored, the stored text comes first, then the tool calls.
 */
function resumedParts(parts: Part[], stored: string): Part[] {
  const kept: Part[] = [];
  let rest = stored;
  for (const part of parts) {
    if (part.toolExecution) {
      kept.push(part);
      continue;
    }
    const text = (part.text ?? "").trim();
    if (!text) continue;
    rest = rest.replace(/^\s+/, "");
    if (rest.startsWith(text)) {
      kept.push(textPart(text));
      rest = rest.slice(text.length);
    } else if (text.startsWith(rest)) {
      // the stored text ends in this part; what follows it was the interrupted call's
      if (rest.trim()) kept.push(textPart(rest.trimEnd()));
      rest = "";
    } else {
      const tools = parts.filter((other) => other.toolExecution);
      return stored.trim() ? [textPart(stored), ...tools] : tools;
    }
  }
  // stored text the page had not seen (it joined the turn late)
  if (rest.trim()) return withText(kept, rest.trim(), "\n\n");
  return kept;
}

export type LiveTurn = {
  userText: string;
  userMessageId: string | null;
  assistantMessageId: string | null;
  text: string;
  toolExecutions: ToolExecution[];
  /** Texts and tool calls in the order they came. */
  parts: Part[];
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  /** This answer's cost so far: the sum of its model calls'. */
  cost: string;
  /** The conversation's total cost after the latest model call, as the server counts it (null until a
   * `usage` event carries it: none yet, or an older server). */
  conversationCost: string | null;
  modelCalls: number;
  status: "streaming" | "done" | "failed";
  /** Final status of the answer once `done` came (COMPLETE, CANCELLED…). */
  messageStatus: AssistantMessageStatus;
  error: { code: AssistantErrorCode; message: string } | null;
  lastSeq: number;
  startedAt: string;
  /** A model call ended since the last text: the next text is a new paragraph. */
  newParagraph: boolean;
  /** The tool call cut by a worker's death that runs again now (its name), or null. */
  rerunning: string | null;
  /** An edited question: the stored question it replaces (it and what followed it are no longer shown). */
  replacesMessageId: string | null;
};

export function startTurn(userText: string, now = new Date(), replacesMessageId: string | null = null): LiveTurn {
  return {
    userText,
    userMessageId: null,
    assistantMessageId: null,
    text: "",
    toolExecutions: [],
    parts: [],
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
    cost: "0",
    conversationCost: null,
    modelCalls: 0,
    status: "streaming",
    messageStatus: "RUNNING",
    error: null,
    lastSeq: 0,
    startedAt: now.toISOString(),
    newParagraph: false,
    rerunning: null,
    replacesMessageId,
  };
}

function updateExecution(turn: LiveTurn, id: string, change: (execution: ToolExecution) => ToolExecution): LiveTurn {
  return { ...turn, toolExecutions: turn.toolExecutions.map((execution) => (execution.id === id ? change(execution) : execution)) };
}

/** The turn after one more event. A `user_message` starts a new turn (a replay may hold several). */
export function applyEvent(turn: LiveTurn | null, event: AssistantEvent): LiveTurn {
  let next: LiveTurn = turn ?? startTurn("");
  if (typeof event.seq === "number") next = { ...next, lastSeq: Math.max(next.lastSeq, event.seq) };
  switch (event.type) {
    case "user_message": {
      const fresh = turn && !turn.userMessageId && turn.status === "streaming" ? turn : startTurn(event.text);
      return {
        ...fresh,
        userText: event.text,
        userMessageId: event.message_id,
        assistantMessageId: event.assistant_message_id,
        replacesMessageId: event.replaces_message_id ?? fresh.replacesMessageId,
        lastSeq: next.lastSeq,
      };
    }
    case "text_delta": {
      const separator = next.newParagraph && next.text.trim() ? "\n\n" : "";
      return {
        ...next,
        text: next.text + separator + event.text,
        parts: withText(next.parts, event.text, next.newParagraph ? "\n\n" : ""),
        newParagraph: false,
      };
    }
    case "tool_call": {
      if (next.toolExecutions.some((execution) => execution.id === event.id)) {
        if (!event.rerun) return next;
        const running = updateExecution(next, event.id, (execution) => ({ ...execution, status: "RUNNING", output: null, success: null }));
        return { ...running, rerunning: event.name };
      }
      if (event.rerun) next = { ...next, rerunning: event.name };
      const execution: ToolExecution = {
        __typename: "AssistantToolExecution",
        id: event.id,
        toolUseId: event.tool_use_id,
        name: event.name,
        tool: toolNameOf(event.name),
        input: event.input,
        output: null,
        success: null,
        status: "RUNNING",
        durationMs: null,
        createdAt: new Date().toISOString(),
        proposal: null,
      };
      const part: Part = { __typename: "AssistantMessagePart", text: null, toolExecution: { __typename: "AssistantToolExecution", id: event.id } };
      return { ...next, toolExecutions: [...next.toolExecutions, execution], parts: [...next.parts, part], newParagraph: true };
    }
    case "approval_required":
      if (event.action === "RUN" || event.action === "STOP") {
        // a pipeline run or stop: the card reads it from the call's result, which follows
        return updateExecution(next, event.id, (execution) => ({ ...execution, status: "PENDING_APPROVAL" }));
      }
      return updateExecution(next, event.id, (execution) => ({
        ...execution,
        status: "PENDING_APPROVAL",
        proposal: {
          __typename: "AssistantWriteProposal",
          path: event.path,
          action: event.action as AssistantWriteAction,
          size: event.size,
          diff: event.diff ?? null,
          rejectionReason: null,
          resolvedAt: null,
        },
      }));
    case "tool_result":
      return updateExecution({ ...next, rerunning: null }, event.id, (execution) => ({
        ...execution,
        output: event.output,
        success: event.success,
        status: event.status,
      }));
    case "usage":
      return {
        ...next,
        inputTokens: next.inputTokens + (event.input_tokens || 0),
        outputTokens: next.outputTokens + (event.output_tokens || 0),
        cacheCreationInputTokens: next.cacheCreationInputTokens + (event.cache_creation_input_tokens || 0),
        cacheReadInputTokens: next.cacheReadInputTokens + (event.cache_read_input_tokens || 0),
        cost: addCosts(next.cost, String(event.cost ?? "0")),
        conversationCost: event.conversation_cost ?? next.conversationCost,
        modelCalls: next.modelCalls + 1,
        newParagraph: true,
      };
    case "resumed": {
      if (next.assistantMessageId && event.message_id && event.message_id !== next.assistantMessageId) return next;
      const text = event.text ?? "";
      // the model call that was cut is made again: its text streams again, as a new paragraph
      return { ...next, text, parts: resumedParts(next.parts, text), newParagraph: true };
    }
    case "done":
      return { ...next, status: "done", messageStatus: event.status, rerunning: null };
    case "waiting":
      return { ...next, status: "done", messageStatus: "WAITING" };
    case "error":
      return {
        ...next,
        rerunning: null,
        status: "failed",
        messageStatus: "FAILED",
        error: { code: event.code, message: event.message },
      };
    default:
      return next;
  }
}

/** The turn as the two messages it makes: the user's and the assistant's answer. */
export function turnMessages(turn: LiveTurn): ChatMessage_MessageFragment[] {
  const user: ChatMessage_MessageFragment = {
    __typename: "AssistantMessage",
    id: turn.userMessageId ?? "live-user",
    role: "USER",
    text: turn.userText,
    status: "COMPLETE",
    errorCode: null,
    errorMessage: null,
    model: null,
    modelCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
    cost: "0",
    firstEventSeq: null,
    createdAt: turn.startedAt,
    toolExecutions: [],
    parts: [textPart(turn.userText)],
  };
  const answer: ChatMessage_MessageFragment = {
    __typename: "AssistantMessage",
    id: turn.assistantMessageId ?? "live-answer",
    role: "ASSISTANT",
    text: turn.text,
    status: turn.messageStatus,
    errorCode: turn.error?.code ?? null,
    errorMessage: turn.error?.message ?? null,
    model: null,
    modelCalls: turn.modelCalls,
    inputTokens: turn.inputTokens,
    outputTokens: turn.outputTokens,
    cacheCreationInputTokens: turn.cacheCreationInputTokens,
    cacheReadInputTokens: turn.cacheReadInputTokens,
    cost: turn.cost,
    firstEventSeq: null,
    createdAt: turn.startedAt,
    toolExecutions: turn.toolExecutions,
    parts: turn.parts,
  };
  return turn.userText || turn.userMessageId ? [user, answer] : [answer];
}
