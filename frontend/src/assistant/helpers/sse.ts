/**
 * A Server-Sent Events parser for `fetch()` bodies (EventSource cannot POST).
 *
 * Follows the WHATWG rules that matter here: lines end with CRLF, LF or CR (a CR at the end
 * of one chunk and an LF at the start of the next are one line end); `field: value` with one
 * optional space after the colon; several `data:` lines are joined with "\n"; a blank line
 * dispatches the event; lines starting with ":" are comments; an event without data is not
 * dispatched. Bytes are decoded as a stream, so a character split across chunks is kept.
 */

export interface ServerSentEvent {
  /** The `event:` field ("message" when absent). */
  type: string;
  /** The `data:` lines, joined with "\n". */
  data: string;
  /** The `id:` field, if any. */
  id?: string;
}

export class SSEParser {
  private buffer = "";
  private dataLines: string[] = [];
  private eventType = "";
  private eventId: string | undefined;
  private hasData = false;

  /** Feed the next piece of text; returns the events it completed. */
  feed(text: string): ServerSentEvent[] {
    this.buffer += text;
    const events: ServerSentEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const char = this.buffer[i];
      if (char !== "\n" && char !== "\r") continue;
      if (char === "\r" && i === this.buffer.length - 1) break; // an LF may follow in the next chunk
      const line = this.buffer.slice(start, i);
      if (char === "\r" && this.buffer[i + 1] === "\n") i++;
      start = i + 1;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /**
   * The end of the stream. A CR held back (in case an LF followed) ends its line; an event
   * whose blank line never came is dropped, as the spec says.
   */
  end(): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    if (this.buffer.endsWith("\r")) {
      const event = this.line(this.buffer.slice(0, -1));
      if (event) events.push(event);
    }
    this.buffer = "";
    this.reset();
    return events;
  }

  private reset() {
    this.dataLines = [];
    this.eventType = "";
    this.eventId = undefined;
    this.hasData = false;
  }

  private line(line: string): ServerSentEvent | null {
    if (line === "") {
      const event = this.hasData
        ? { type: this.eventType || "message", data: this.dataLines.join("\n"), id: this.eventId }
        : null;
      this.reset();
      return event;
    }
    if (line.startsWith(":")) return null;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") {
      this.dataLines.push(value);
      this.hasData = true;
    } else if (field === "event") {
      this.eventType = value;
    } else if (field === "id" && !value.includes("\0")) {
      this.eventId = value;
    }
    return null;
  }
}

/** Reads a response body as Server-Sent Events. */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SSEParser();
  let finished = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const event of parser.feed(decoder.decode(value, { stream: true }))) yield event;
    }
    finished = true;
    for (const event of parser.feed(decoder.decode())) yield event;
    for (const event of parser.end()) yield event;
  } finally {
    // The consumer stopped early (or the read failed): close the connection.
    if (!finished) reader.cancel().catch(() => undefined);
  }
}
