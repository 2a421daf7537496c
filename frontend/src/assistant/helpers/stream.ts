/**
 * The assistant's streaming endpoints, as served by the backend (through the Next server):
 *
 *   POST /assistant/conversations/<id>/stream/  {"message": "..."}  → one turn, live
 *   GET  /assistant/conversations/<id>/events/?after=<seq>         → stored events, then the live turn
 *
 * Frames are `id: <seq>\nevent: <type>\ndata: <json>\n\n`; every data object has `seq`.
 * Unknown event types and keepalives are ignored; before a stream starts, errors come as
 * JSON `{"errors": [CODE]}` with a 4xx status.
 */
import { readServerSentEvents } from "./sse";

export type UserMessageEvent = {
  type: "user_message";
  seq: number;
  message_id: string;
  assistant_message_id: string;
  text: string;
};
export type TextDeltaEvent = { type: "text_delta"; seq: number; message_id: string; text: string };
export type ToolCallEvent = {
  type: "tool_call";
  seq: number;
  id: string;
  tool_use_id: string;
  name: string;
  input: any;
};
export type ToolResultEvent = {
  type: "tool_result";
  seq: number;
  id: string;
  tool_use_id: string;
  name: string;
  success: boolean | null;
  status: string;
  output: any;
};
export type ApprovalRequiredEvent = {
  type: "approval_required";
  seq: number;
  id: string;
  tool_use_id: string;
  path: string;
  action: "create" | "overwrite";
  size: number;
  diff: string | null;
  base_sha256?: string;
};
export type UsageEvent = {
  type: "usage";
  seq: number;
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cost: string;
};
export type DoneEvent = { type: "done"; seq: number; message_id: string; status: string };
export type ErrorEvent = { type: "error"; seq?: number; message_id?: string; code: string; message: string };

export type AssistantEvent =
  | UserMessageEvent
  | TextDeltaEvent
  | ToolCallEvent
  | ToolResultEvent
  | ApprovalRequiredEvent
  | UsageEvent
  | DoneEvent
  | ErrorEvent;

export const ASSISTANT_EVENT_TYPES: ReadonlySet<string> = new Set([
  "user_message",
  "text_delta",
  "tool_call",
  "tool_result",
  "approval_required",
  "usage",
  "done",
  "error",
]);

export type StreamOutcome =
  /** The turn ended (`done`): status COMPLETE, CANCELLED… */
  | { kind: "done"; status: string; lastSeq: number }
  /** The turn failed (`error` event): what was done so far is kept by the server. */
  | { kind: "error"; code: string; message: string; lastSeq: number }
  /** Refused before the stream started (e.g. CONVERSATION_BUSY): nothing was sent. */
  | { kind: "refused"; status: number; code: string; message?: string }
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
  const code = Array.isArray(body?.errors) && typeof body.errors[0] === "string" ? body.errors[0] : null;
  if (response.status === 404 && !code) return { kind: "unavailable" };
  if (code) {
    const message = typeof body?.message === "string" ? body.message : undefined;
    return message ? { kind: "refused", status: response.status, code, message } : { kind: "refused", status: response.status, code };
  }
  if (response.status === 401 || response.status === 403) {
    return { kind: "refused", status: response.status, code: "UNAUTHENTICATED" };
  }
  return { kind: "refused", status: response.status, code: "HTTP_ERROR" };
}

/**
 * Reads an event stream until the server closes it. With `stopAtTerminal`, the first
 * `done`/`error` ends it (one turn); otherwise the last one seen is the outcome.
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
      if (!ASSISTANT_EVENT_TYPES.has(frame.type)) continue; // keepalive and anything newer
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
      else if (event.type === "error") terminal = { kind: "error", code: event.code, message: event.message, lastSeq };
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
      body: JSON.stringify({ message }),
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
