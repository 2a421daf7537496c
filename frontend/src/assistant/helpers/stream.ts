/**
 * The assistant's streaming endpoints, as served by the backend (through the Next server):
 *
 *   POST /assistant/conversations/<id>/stream/  {"message": "..."}  → one turn, live
 *   GET  /assistant/conversations/<id>/events/?after=<seq>         → stored events, then the live turn
 *
 * Frames are `id: <seq>\nevent: <type>\ndata: <json>\n\n`; every data object has `seq`.
 * Unknown event types and keepalives are ignored; before a stream starts, errors come as
 * JSON `{"errors": [CODE]}` with a 4xx or 5xx status (503 DATABASE_UNAVAILABLE: nothing was stored).
 */
import type {
  AssistantErrorCode,
  AssistantEventType,
  AssistantMessageStatus,
  AssistantToolExecutionStatus,
  AssistantToolName,
  AssistantWriteAction,
  SendAssistantMessageError,
} from "graphql/types";
import { readServerSentEvents } from "./sse";

/** A tool's name as the model called it: one of the assistant's tools, or one that does not exist. */
export type CalledToolName = AssistantToolName | (string & {});

type StreamEvent<Type extends AssistantEventType, Data> = { type: Type; seq: number } & Data;

/** `replaces_message_id`: the turn is an edited question, which replaced that one and what followed it. */
export type UserMessageEvent = StreamEvent<
  "user_message",
  { message_id: string; assistant_message_id: string; text: string; replaces_message_id?: string }
>;
export type TextDeltaEvent = StreamEvent<"text_delta", { message_id: string; text: string }>;
/** `rerun`: a call cut by its worker's death, run again now by the worker that resumed the turn. */
export type ToolCallEvent = StreamEvent<"tool_call", { id: string; tool_use_id: string; name: CalledToolName; input: any; rerun?: boolean }>;
export type ToolResultEvent = StreamEvent<
  "tool_result",
  {
    id: string;
    tool_use_id: string;
    name: CalledToolName;
    success: boolean | null;
    status: AssistantToolExecutionStatus;
    output: any;
  }
>;
export type ApprovalRequiredEvent = StreamEvent<
  "approval_required",
  {
    id: string;
    tool_use_id: string;
    path: string;
    /** RUN or STOP: a pipeline run or stop (run_pipeline, stop_pipeline_run), without a path. */
    action: AssistantWriteAction | "RUN" | "STOP";
    size: number;
    diff: string | null;
    base_sha256?: string;
  }
>;
export type UsageEvent = StreamEvent<
  "usage",
  {
    input_tokens: number;
    output_tokens: number;
    cache_creation_input_tokens: number;
    cache_read_input_tokens: number;
    /** This model call's cost (USD, decimal string). */
    cost: string;
    /** The conversation's total cost after this model call, as the server counts it (absent from older servers). */
    conversation_cost?: string;
  }
>;
/** A worker died mid-turn and another took the turn over: `text` is the answer as stored so far (the
 * text streamed by the interrupted model call is not kept; that call is made again). */
export type ResumedEvent = StreamEvent<"resumed", { message_id: string; text: string }>;
export type DoneEvent = StreamEvent<"done", { message_id: string; status: AssistantMessageStatus }>;
/** The turn waits for the user (a question, writes to approve): its stream ends here; answering resumes it. */
export type WaitingEvent = StreamEvent<
  "waiting",
  { message_id: string; expires_at: string; awaiting: { id: string; tool_use_id: string; name: string; status: AssistantToolExecutionStatus }[] }
>;
export type ErrorEvent = {
  type: "error";
  seq?: number;
  message_id?: string;
  code: AssistantErrorCode;
  message: string;
  /** Seconds before trying again makes sense (RATE_LIMITED by the model's API). */
  retry_after?: number;
};

export type AssistantEvent =
  | UserMessageEvent
  | TextDeltaEvent
  | ToolCallEvent
  | ToolResultEvent
  | ApprovalRequiredEvent
  | UsageEvent
  | ResumedEvent
  | DoneEvent
  | WaitingEvent
  | ErrorEvent;

/** Which event types the page acts on; keepalives (and types newer than the page) are skipped. */
const HANDLED: Record<AssistantEventType, boolean> = {
  user_message: true,
  text_delta: true,
  tool_call: true,
  tool_result: true,
  approval_required: true,
  usage: true,
  resumed: true,
  // earlier turns were summarised for the model: the page shows it once the turn is stored
  compacted: false,
  done: true,
  error: true,
  waiting: true,
  keepalive: false,
};

export function isHandledEventType(type: string): type is AssistantEvent["type"] {
  return Object.prototype.hasOwnProperty.call(HANDLED, type) && HANDLED[type as AssistantEventType];
}

/** Codes the page gives to failures that the server did not name. */
export type ClientErrorCode = "NETWORK_ERROR" | "HTTP_ERROR";

export type StreamOutcome =
  /** The turn ended (`done`): status COMPLETE, CANCELLED… */
  | { kind: "done"; status: AssistantMessageStatus; lastSeq: number }
  /** The turn failed (`error` event): what was done so far is kept by the server. */
  | { kind: "error"; code: AssistantErrorCode; message: string; lastSeq: number; retryAfter?: number }
  /** Refused before the stream started (e.g. CONVERSATION_BUSY): nothing was sent. */
  | {
      kind: "refused";
      status: number;
      code: AssistantErrorCode | SendAssistantMessageError | ClientErrorCode;
      message?: string;
      /** Seconds to wait before sending again (RATE_LIMITED). */
      retryAfter?: number;
    }
  /** The server has no such endpoint: use the GraphQL mutation instead. */
  | { kind: "unavailable" }
  /** The connection ended before the turn did: follow it with `followTurn(after=lastSeq)`. */
  | { kind: "interrupted"; lastSeq: number; started: boolean; error?: unknown }
  /** The events endpoint had nothing more to say (no turn running). */
  | { kind: "ended"; lastSeq: number }
  | { kind: "aborted"; lastSeq: number };

export interface StreamOptions {
  onEvent: (event: AssistantEvent) => void;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  /** Edit and resend (streamMessage): the question the message replaces. */
  replacesMessageId?: string | null;
}

function conversationUrl(conversationId: string, tail: string) {
  return `/assistant/conversations/${encodeURIComponent(conversationId)}/${tail}`;
}

function isAbort(error: unknown, signal?: AbortSignal) {
  return Boolean(signal?.aborted) || (error instanceof Error && error.name === "AbortError");
}

async function refusal(response: Response): Promise<StreamOutcome> {
  let body: any = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  // The body's `errors` are AssistantErrorCode values (JSON: trusted as typed).
  const code: AssistantErrorCode | null =
    Array.isArray(body?.errors) && typeof body.errors[0] === "string" ? (body.errors[0] as AssistantErrorCode) : null;
  if (response.status === 404 && !code) return { kind: "unavailable" };
  if (code) {
    const refused: StreamOutcome = { kind: "refused", status: response.status, code };
    if (typeof body?.message === "string") refused.message = body.message;
    const retryAfter = Number(body?.retry_after ?? response.headers.get("retry-after"));
    if (Number.isFinite(retryAfter) && retryAfter > 0) refused.retryAfter = Math.ceil(retryAfter);
    return refused;
  }
  if (response.status === 401 || response.status === 403) {
    return { kind: "refused", status: response.status, code: "UNAUTHENTICATED" };
  }
  return { kind: "refused", status: response.status, code: "HTTP_ERROR" };
}

/**
 * Reads an event stream until the server closes it. With `stopAtTerminal`, the first
 * `done`/`error`/`waiting` ends it (one turn, or its part before it waits for the user);
 * otherwise the last one seen is the outcome.
 */
export async function consumeEventStream(
  response: Response,
  { onEvent, signal }: StreamOptions,
  after = 0,
  stopAtTerminal = true,
): Promise<StreamOutcome> {
  let lastSeq = after;
  let terminal: StreamOutcome | null = null;
  let started = false;
  if (!response.body) return { kind: "interrupted", lastSeq, started };
  try {
    for await (const frame of readServerSentEvents(response.body)) {
      if (!isHandledEventType(frame.type)) continue; // keepalive and anything newer
      let data: any;
      try {
        data = JSON.parse(frame.data);
      } catch {
        continue; // a broken frame must not end the turn on the page
      }
      if (!data || typeof data !== "object") continue;
      const seq = typeof data.seq === "number" ? data.seq : frame.id ? Number(frame.id) : undefined;
      if (seq !== undefined && Number.isFinite(seq)) {
        if (seq <= lastSeq && frame.type !== "error") continue; // already seen
        lastSeq = Math.max(lastSeq, seq);
      }
      started = true;
      const event = { ...data, type: frame.type } as AssistantEvent;
      onEvent(event);
      if (event.type === "done") terminal = { kind: "done", status: event.status, lastSeq };
      else if (event.type === "waiting") terminal = { kind: "done", status: "WAITING", lastSeq };
      else if (event.type === "resumed") terminal = null; // a waiting turn goes on
      else if (event.type === "error") {
        terminal = { kind: "error", code: event.code, message: event.message, lastSeq };
        const wait = Number(event.retry_after);
        if (Number.isFinite(wait) && wait > 0) terminal.retryAfter = Math.ceil(wait);
      }
      else if (event.type === "user_message") terminal = null; // a new turn in a replay
      if (terminal && stopAtTerminal) return terminal;
    }
  } catch (error) {
    if (isAbort(error, signal)) return { kind: "aborted", lastSeq };
    return terminal ?? { kind: "interrupted", lastSeq, started, error };
  }
  if (signal?.aborted) return { kind: "aborted", lastSeq };
  if (terminal) return terminal;
  return stopAtTerminal ? { kind: "interrupted", lastSeq, started } : { kind: "ended", lastSeq };
}

/** Sends a message and streams the turn it starts. */
export async function streamMessage(
  conversationId: string,
  message: string,
  options: StreamOptions,
): Promise<StreamOutcome> {
  const fetchImpl = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await fetchImpl(conversationUrl(conversationId, "stream/"), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      credentials: "same-origin",
      // an edit and resend names the question it replaces
      body: JSON.stringify(options.replacesMessageId ? { message, replaces_message_id: options.replacesMessageId } : { message }),
      signal: options.signal,
    });
  } catch (error) {
    if (isAbort(error, options.signal)) return { kind: "aborted", lastSeq: 0 };
    return { kind: "interrupted", lastSeq: 0, started: false, error };
  }
  if (!response.ok) return refusal(response);
  if (!(response.headers.get("content-type") || "").includes("text/event-stream")) return { kind: "unavailable" };
  return consumeEventStream(response, options, 0, true);
}

/** Replays the events after `after`, then follows the running turn until the server ends the stream. */
export async function followTurn(
  conversationId: string,
  after: number,
  options: StreamOptions,
): Promise<StreamOutcome> {
  const fetchImpl = options.fetchImpl ?? fetch;
  let response: Response;
  try {
    response = await fetchImpl(conversationUrl(conversationId, `events/?after=${Math.max(0, after)}`), {
      headers: { Accept: "text/event-stream" },
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (error) {
    if (isAbort(error, options.signal)) return { kind: "aborted", lastSeq: after };
    return { kind: "interrupted", lastSeq: after, started: false, error };
  }
  if (!response.ok) return refusal(response);
  if (!(response.headers.get("content-type") || "").includes("text/event-stream")) return { kind: "unavailable" };
  return consumeEventStream(response, options, after, false);
}
