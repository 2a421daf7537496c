/**
 * @jest-environment node
 */
import { SSEParser, readServerSentEvents } from "./sse";
import { AssistantEvent, consumeEventStream, followTurn, streamMessage } from "./stream";

const encoder = new TextEncoder();

function bodyOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

function response(chunks: (string | Uint8Array)[], init: { status?: number; contentType?: string } = {}) {
  return new Response(bodyOf(chunks), {
    status: init.status ?? 200,
    headers: { "content-type": init.contentType ?? "text/event-stream" },
  });
}

function frame(type: string, data: object, seq?: number) {
  const payload = seq === undefined ? data : { ...data, seq };
  return `${seq !== undefined ? `id: ${seq}\n` : ""}event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

async function collect(chunks: (string | Uint8Array)[]) {
  const events = [];
  for await (const event of readServerSentEvents(bodyOf(chunks))) events.push(event);
  return events;
}

describe("SSEParser", () => {
  it("parses several frames in one chunk", () => {
    const parser = new SSEParser();
    const events = parser.feed("event: a\ndata: 1\n\nevent: b\ndata: 2\n\n");
    expect(events).toEqual([
      { type: "a", data: "1", id: undefined },
      { type: "b", data: "2", id: undefined },
    ]);
  });

  it("keeps a frame split across chunks, even byte by byte", async () => {
    const text = frame("text_delta", { message_id: "m", text: "héllo wörld 👋" }, 7);
    const bytes = encoder.encode(text);
    const chunks = Array.from(bytes, (byte) => new Uint8Array([byte]));
    const events = await collect(chunks);
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe("text_delta");
    expect(events[0].id).toBe("7");
    expect(JSON.parse(events[0].data).text).toBe("héllo wörld 👋");
  });

  it("accepts CRLF and CR line ends, also when CR and LF arrive in different chunks", async () => {
    const events = await collect(["event: a\r", "\ndata: x\r\n\r", "\nevent: b\rdata: y\r\r"]);
    expect(events.map((event) => [event.type, event.data])).toEqual([
      ["a", "x"],
      ["b", "y"],
    ]);
  });

  it("joins data lines, skips comments and strips one leading space", () => {
    const parser = new SSEParser();
    const events = parser.feed(": keepalive comment\ndata:first\ndata:  second\n\n");
    expect(events).toEqual([{ type: "message", data: "first\n second", id: undefined }]);
  });

  it("does not dispatch an event without data, nor an unfinished one at the end", async () => {
    const events = await collect(["event: ping\n\n", "event: late\ndata: 1\n"]);
    expect(events).toEqual([]);
  });
});

describe("consumeEventStream", () => {
  it("hands on known events in order, ignores keepalives and unknown types", async () => {
    const seen: AssistantEvent[] = [];
    const outcome = await consumeEventStream(
      response([
        frame("user_message", { message_id: "u", assistant_message_id: "a", text: "hi" }, 1),
        "event: keepalive\ndata: {}\n\n",
        frame("something_new", { whatever: true }, 2),
        frame("text_delta", { message_id: "a", text: "Hel" }, 3).slice(0, 20),
        frame("text_delta", { message_id: "a", text: "Hel" }, 3).slice(20),
        frame("done", { message_id: "a", status: "COMPLETE" }, 4),
      ]),
      { onEvent: (event) => seen.push(event) },
    );
    expect(seen.map((event) => event.type)).toEqual(["user_message", "text_delta", "done"]);
    expect(outcome).toEqual({ kind: "done", status: "COMPLETE", lastSeq: 4 });
  });

  it("hands on a resumed event and goes on with the turn", async () => {
    const seen: AssistantEvent[] = [];
    const outcome = await consumeEventStream(
      response([
        frame("text_delta", { message_id: "a", text: "Half an ans" }, 1),
        frame("resumed", { message_id: "a", text: "" }, 2),
        frame("text_delta", { message_id: "a", text: "A whole answer." }, 3),
        frame("done", { message_id: "a", status: "COMPLETE" }, 4),
      ]),
      { onEvent: (event) => seen.push(event) },
    );
    expect(seen.map((event) => event.type)).toEqual(["text_delta", "resumed", "text_delta", "done"]);
    expect(seen[1]).toEqual({ type: "resumed", message_id: "a", text: "", seq: 2 });
    expect(outcome).toEqual({ kind: "done", status: "COMPLETE", lastSeq: 4 });
  });

  it("surfaces an error event as the outcome", async () => {
    const outcome = await consumeEventStream(
      response([frame("error", { message_id: "a", code: "OVERLOADED", message: "busy" }, 5)]),
      { onEvent: () => undefined },
    );
    expect(outcome).toEqual({ kind: "error", code: "OVERLOADED", message: "busy", lastSeq: 5 });
  });

  it("keeps how long a rate-limited turn asks to wait", async () => {
    const outcome = await consumeEventStream(
      response([frame("error", { message_id: "a", code: "RATE_LIMITED", message: "Retry in 30 s.", retry_after: 30 }, 3)]),
      { onEvent: () => undefined },
    );
    expect(outcome).toEqual({ kind: "error", code: "RATE_LIMITED", message: "Retry in 30 s.", lastSeq: 3, retryAfter: 30 });
  });

  it("ends on an INTERRUPTED error (a turn that could not be resumed)", async () => {
    const outcome = await consumeEventStream(
      response([
        frame("text_delta", { message_id: "a", text: "Let me check." }, 1),
        frame("error", { message_id: "a", code: "INTERRUPTED", message: "The turn was interrupted." }, 2),
      ]),
      { onEvent: () => undefined },
    );
    expect(outcome).toEqual({ kind: "error", code: "INTERRUPTED", message: "The turn was interrupted.", lastSeq: 2 });
  });

  it("reports a stream cut before the end of the turn, with the last sequence number", async () => {
    const outcome = await consumeEventStream(
      response([frame("user_message", { message_id: "u", assistant_message_id: "a", text: "hi" }, 11), frame("text_delta", { message_id: "a", text: "x" }, 12)]),
      { onEvent: () => undefined },
    );
    expect(outcome).toEqual({ kind: "interrupted", lastSeq: 12, started: true });
  });

  it("skips events already seen and frames whose data is not JSON", async () => {
    const seen: AssistantEvent[] = [];
    await consumeEventStream(
      response([
        frame("text_delta", { message_id: "a", text: "old" }, 3),
        "event: text_delta\ndata: {not json\n\n",
        frame("text_delta", { message_id: "a", text: "new" }, 4),
      ]),
      { onEvent: (event) => seen.push(event) },
      3,
    );
    expect(seen).toEqual([{ type: "text_delta", message_id: "a", text: "new", seq: 4 }]);
  });
});

describe("streamMessage and followTurn", () => {
  it("posts the message as JSON to the conversation's stream", async () => {
    const fetchImpl = jest.fn(async () => response([frame("done", { message_id: "a", status: "COMPLETE" }, 2)]));
    const outcome = await streamMessage("c-1", "Hello", { onEvent: () => undefined, fetchImpl: fetchImpl as any });
    expect(outcome.kind).toBe("done");
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/assistant/conversations/c-1/stream/");
    expect(init.method).toBe("POST");
    expect((init.headers as Record<string, string>)["Content-Type"]).toBe("application/json");
    expect(JSON.parse(String(init.body))).toEqual({ message: "Hello" });
  });

  it("names the question an edit replaces", async () => {
    const fetchImpl = jest.fn(async () => response([frame("done", { message_id: "a", status: "COMPLETE" }, 2)]));
    await streamMessage("c-1", "Hello again", { onEvent: () => undefined, fetchImpl: fetchImpl as any, replacesMessageId: "q1" });
    const [, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(JSON.parse(String(init.body))).toEqual({ message: "Hello again", replaces_message_id: "q1" });
  });

  it.each([
    [409, "CONVERSATION_BUSY"],
    [429, "RATE_LIMITED"],
    [402, "BUDGET_EXCEEDED"],
    [404, "NOT_FOUND"],
    [503, "ASSISTANT_NOT_CONFIGURED"],
    [503, "DATABASE_UNAVAILABLE"],
  ])("turns a %i {errors: [%s]} answer into a refusal", async (status, code) => {
    const fetchImpl = async () =>
      new Response(JSON.stringify({ errors: [code] }), { status, headers: { "content-type": "application/json" } });
    const outcome = await streamMessage("c", "x", { onEvent: () => undefined, fetchImpl: fetchImpl as any });
    expect(outcome).toEqual({ kind: "refused", status, code });
  });

  it("keeps the server's own words of a refusal, and how long to wait", async () => {
    const fetchImpl = async () =>
      new Response(JSON.stringify({ errors: ["RATE_LIMITED"], retry_after: 12, message: "Too many messages: retry in 12 s." }), {
        status: 429,
        headers: { "content-type": "application/json" },
      });
    const outcome = await streamMessage("c", "x", { onEvent: () => undefined, fetchImpl: fetchImpl as any });
    expect(outcome).toEqual({ kind: "refused", status: 429, code: "RATE_LIMITED", message: "Too many messages: retry in 12 s.", retryAfter: 12 });
  });

  it("says the endpoint is unavailable on a plain 404 (an older backend)", async () => {
    const fetchImpl = async () => new Response("<h1>Not Found</h1>", { status: 404, headers: { "content-type": "text/html" } });
    const outcome = await streamMessage("c", "x", { onEvent: () => undefined, fetchImpl: fetchImpl as any });
    expect(outcome).toEqual({ kind: "unavailable" });
  });

  it("reports a network failure as an interruption before the start", async () => {
    const fetchImpl = async () => {
      throw new TypeError("fetch failed");
    };
    const outcome = await streamMessage("c", "x", { onEvent: () => undefined, fetchImpl: fetchImpl as any });
    expect(outcome).toMatchObject({ kind: "interrupted", started: false, lastSeq: 0 });
  });

  it("follows a replay of several turns to its end, after the given sequence number", async () => {
    const seen: AssistantEvent[] = [];
    const fetchImpl = jest.fn(async () =>
      response([
        frame("user_message", { message_id: "u1", assistant_message_id: "a1", text: "one" }, 5),
        frame("done", { message_id: "a1", status: "COMPLETE" }, 6),
        frame("user_message", { message_id: "u2", assistant_message_id: "a2", text: "two" }, 7),
        frame("text_delta", { message_id: "a2", text: "still going" }, 8),
      ]),
    );
    const outcome = await followTurn("c", 4, { onEvent: (event) => seen.push(event), fetchImpl: fetchImpl as any });
    expect((fetchImpl.mock.calls[0] as unknown as [string])[0]).toBe("/assistant/conversations/c/events/?after=4");
    expect(seen).toHaveLength(4);
    expect(outcome).toEqual({ kind: "ended", lastSeq: 8 });
  });
});
