import { applyEvent, LiveTurn, startTurn, turnMessages } from "./liveTurn";
import { AssistantEvent } from "./stream";
import { addCosts, formatCost } from "./format";
import { languageOf } from "./language";

function play(events: AssistantEvent[], text = "How many cases?") {
  return events.reduce(applyEvent, startTurn(text));
}

describe("live turn", () => {
  it("builds the user's message and the answer from the events", () => {
    const turn = play([
      { type: "user_message", seq: 1, message_id: "u", assistant_message_id: "a", text: "How many cases?" },
      { type: "text_delta", seq: 2, message_id: "a", text: "Let me " },
      { type: "text_delta", seq: 3, message_id: "a", text: "check." },
      { type: "usage", seq: 4, input_tokens: 100, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 50, cost: "0.0015" },
      { type: "tool_call", seq: 5, id: "t1", tool_use_id: "tu1", name: "query_database", input: { query: "SELECT 1" } },
      { type: "tool_result", seq: 6, id: "t1", tool_use_id: "tu1", name: "query_database", success: true, status: "COMPLETED", output: { columns: [], rows: [] } },
      { type: "text_delta", seq: 7, message_id: "a", text: "There are 3." },
      { type: "usage", seq: 8, input_tokens: 200, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cost: "0.0025" },
      { type: "done", seq: 9, message_id: "a", status: "COMPLETE" },
    ]);
    const [user, answer] = turnMessages(turn);
    expect(user).toMatchObject({ id: "u", role: "USER", text: "How many cases?" });
    expect(answer).toMatchObject({
      id: "a",
      role: "ASSISTANT",
      status: "COMPLETE",
      text: "Let me check.\n\nThere are 3.",
      inputTokens: 300,
      outputTokens: 30,
      cacheReadInputTokens: 50,
      cost: "0.004",
      modelCalls: 2,
    });
    expect(answer.toolExecutions).toHaveLength(1);
    expect(answer.toolExecutions[0]).toMatchObject({ id: "t1", status: "COMPLETED", success: true });
    expect(turn.lastSeq).toBe(9);
  });

  it("holds a write for approval with its proposal", () => {
    const turn = play([
      { type: "tool_call", seq: 2, id: "w", tool_use_id: "tw", name: "write_file", input: { path: "n.md", content: "x" } },
      { type: "approval_required", seq: 3, id: "w", tool_use_id: "tw", path: "n.md", action: "CREATE", size: 1, diff: "+x\n" },
      { type: "tool_result", seq: 4, id: "w", tool_use_id: "tw", name: "write_file", success: null, status: "PENDING_APPROVAL", output: { status: "pending_approval" } },
    ]);
    const execution = turn.toolExecutions[0];
    expect(execution.status).toBe("PENDING_APPROVAL");
    expect(execution.proposal).toMatchObject({ path: "n.md", action: "CREATE", size: 1, diff: "+x\n" });
  });

  it("keeps a failure's code and message", () => {
    const turn = play([{ type: "error", seq: 3, message_id: "a", code: "MAX_TOOL_ROUNDS", message: "Too many rounds." }]);
    expect(turn.status).toBe("failed");
    const answer = turnMessages(turn).pop()!;
    expect(answer).toMatchObject({ status: "FAILED", errorCode: "MAX_TOOL_ROUNDS", errorMessage: "Too many rounds." });
  });

  it("knows the question an edited one replaces, sent from here or replayed after a reload", () => {
    const sent = applyEvent(startTurn("Most cases in 2024?", new Date(), "q1"), {
      type: "user_message", seq: 5, message_id: "q2", assistant_message_id: "a2", text: "Most cases in 2024?",
    });
    expect(sent.replacesMessageId).toBe("q1");
    const replayed = play([
      { type: "user_message", seq: 5, message_id: "q2", assistant_message_id: "a2", text: "Most cases in 2024?", replaces_message_id: "q1" },
    ]);
    expect(replayed.replacesMessageId).toBe("q1");
    expect(play([]).replacesMessageId).toBeNull();
  });

  it("starts over on the user_message of a later turn in a replay", () => {
    const turn = [
      { type: "user_message", seq: 1, message_id: "u1", assistant_message_id: "a1", text: "first" },
      { type: "text_delta", seq: 2, message_id: "a1", text: "old answer" },
      { type: "done", seq: 3, message_id: "a1", status: "COMPLETE" },
      { type: "user_message", seq: 4, message_id: "u2", assistant_message_id: "a2", text: "second" },
      { type: "text_delta", seq: 5, message_id: "a2", text: "new" },
    ].reduce((state, event) => applyEvent(state, event as AssistantEvent), null as ReturnType<typeof startTurn> | null)!;
    expect(turn.userText).toBe("second");
    expect(turn.text).toBe("new");
    expect(turn.status).toBe("streaming");
  });
});

describe("formatting", () => {
  it("adds decimal costs exactly", () => {
    expect(addCosts("0.1", "0.2")).toBe("0.3");
    expect(addCosts("0.000123", "1.5", null)).toBe("1.500123");
    expect(addCosts()).toBe("0");
  });

  it("shows costs in dollars with enough digits", () => {
    expect(formatCost("0")).toBe("$0.00");
    expect(formatCost("0.0042")).toBe("$0.0042");
    expect(formatCost("12.345")).toBe("$12.35");
  });

  it("knows a file's language from its extension", () => {
    expect(languageOf("scripts/clean.py")).toBe("python");
    expect(languageOf("reports/2024/summary.md")).toBe("markdown");
    expect(languageOf("data.csv")).toBe("csv");
    expect(languageOf("Makefile")).toBe("text");
  });
});

describe("parts of a streamed answer", () => {
  it("keep texts and tool calls in the order they came", () => {
    const events = [
      { type: "user_message", seq: 1, message_id: "u", assistant_message_id: "a", text: "How many?" },
      { type: "text_delta", seq: 2, message_id: "a", text: "Let me " },
      { type: "text_delta", seq: 3, message_id: "a", text: "check." },
      { type: "tool_call", seq: 4, id: "t1", tool_use_id: "toolu_1", name: "query_database", input: {} },
      { type: "usage", seq: 5, input_tokens: 10, output_tokens: 5, cost: "0.001" },
      { type: "tool_result", seq: 6, id: "t1", tool_use_id: "toolu_1", name: "query_database", success: true, status: "COMPLETED", output: {} },
      { type: "text_delta", seq: 7, message_id: "a", text: "There are 16." },
    ] as AssistantEvent[];
    const turn = events.reduce<LiveTurn | null>((current, event) => applyEvent(current, event), null)!;
    expect(turn.parts.map((part: LiveTurn["parts"][number]) => part.text ?? `tool:${part.toolExecution?.id}`)).toEqual([
      "Let me check.",
      "tool:t1",
      "There are 16.",
    ]);
    const [user, answer] = turnMessages(turn);
    expect(user.parts.map((part) => part.text)).toEqual(["How many?"]);
    expect(answer.parts).toBe(turn.parts);
  });
});

describe("a turn resumed by another worker", () => {
  const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cost: "0.001" };
  const shape = (turn: LiveTurn) => turn.parts.map((part) => part.text ?? `tool:${part.toolExecution?.id}`);

  it("drops the text of the interrupted model call, keeps the tool calls and goes on", () => {
    const turn = play([
      { type: "user_message", seq: 1, message_id: "u", assistant_message_id: "a", text: "How many?" },
      { type: "text_delta", seq: 2, message_id: "a", text: "Let me check." },
      { type: "usage", seq: 3, ...usage },
      { type: "tool_call", seq: 4, id: "t1", tool_use_id: "tu1", name: "query_database", input: { query: "SELECT 1" } },
      { type: "tool_result", seq: 5, id: "t1", tool_use_id: "tu1", name: "query_database", success: true, status: "COMPLETED", output: { rows: [] } },
      { type: "text_delta", seq: 6, message_id: "a", text: "There are" }, // the worker dies here
      { type: "resumed", seq: 7, message_id: "a", text: "Let me check." },
    ]);
    expect(turn.text).toBe("Let me check.");
    expect(shape(turn)).toEqual(["Let me check.", "tool:t1"]);
    expect(turn.toolExecutions).toHaveLength(1);
    expect(turn.toolExecutions[0]).toMatchObject({ id: "t1", status: "COMPLETED", success: true });
    expect(turn.status).toBe("streaming");
    expect(turn.cost).toBe("0.001");
    expect(turn.lastSeq).toBe(7);

    const finished = [
      { type: "text_delta", seq: 8, message_id: "a", text: "There are " },
      { type: "text_delta", seq: 9, message_id: "a", text: "16." },
      { type: "usage", seq: 10, ...usage },
      { type: "done", seq: 11, message_id: "a", status: "COMPLETE" },
    ].reduce((state, event) => applyEvent(state, event as AssistantEvent), turn);
    expect(finished.text).toBe("Let me check.\n\nThere are 16.");
    expect(shape(finished)).toEqual(["Let me check.", "tool:t1", "There are 16."]);
    expect(turnMessages(finished).pop()).toMatchObject({ status: "COMPLETE", text: "Let me check.\n\nThere are 16.", modelCalls: 2 });
  });

  it("starts the answer again when nothing of it was stored", () => {
    const turn = play([
      { type: "text_delta", seq: 2, message_id: "a", text: "Bo has the mo" },
      { type: "resumed", seq: 3, message_id: "a", text: "" },
      { type: "text_delta", seq: 4, message_id: "a", text: "Bo has the most cases." },
    ]);
    expect(turn.text).toBe("Bo has the most cases.");
    expect(shape(turn)).toEqual(["Bo has the most cases."]);
  });

  it("keeps the stored part of a text that the interrupted call went on", () => {
    // two model calls without a tool call between them (the API paused a long turn)
    const turn = play([
      { type: "text_delta", seq: 2, message_id: "a", text: "First part." },
      { type: "usage", seq: 3, ...usage },
      { type: "text_delta", seq: 4, message_id: "a", text: "Second pa" },
      { type: "resumed", seq: 5, message_id: "a", text: "First part." },
      { type: "text_delta", seq: 6, message_id: "a", text: "Second part." },
    ]);
    expect(turn.text).toBe("First part.\n\nSecond part.");
    expect(shape(turn)).toEqual(["First part.\n\nSecond part."]);
  });

  it("lets a tool call that was running when the worker died finish", () => {
    const turn = play([
      { type: "text_delta", seq: 2, message_id: "a", text: "Let me read it." },
      { type: "usage", seq: 3, ...usage },
      { type: "tool_call", seq: 4, id: "t1", tool_use_id: "tu1", name: "read_file", input: { path: "a.md" } },
      { type: "resumed", seq: 5, message_id: "a", text: "Let me read it." },
      { type: "tool_result", seq: 6, id: "t1", tool_use_id: "tu1", name: "read_file", success: true, status: "COMPLETED", output: { content: "x" } },
    ]);
    expect(turn.text).toBe("Let me read it.");
    expect(shape(turn)).toEqual(["Let me read it.", "tool:t1"]);
    expect(turn.toolExecutions[0]).toMatchObject({ status: "COMPLETED", success: true });
  });

  it("shows the stored text first, then the tool calls, when the texts do not match what is stored", () => {
    const turn = play([
      { type: "text_delta", seq: 2, message_id: "a", text: "Something the page saw" },
      { type: "tool_call", seq: 3, id: "t1", tool_use_id: "tu1", name: "list_files", input: {} },
      { type: "resumed", seq: 4, message_id: "a", text: "What the server stored" },
    ]);
    expect(turn.text).toBe("What the server stored");
    expect(shape(turn)).toEqual(["What the server stored", "tool:t1"]);
  });

  it("adds stored text the page had not seen", () => {
    const turn = play([{ type: "resumed", seq: 9, message_id: "a", text: "Stored before the page joined." }]);
    expect(turn.text).toBe("Stored before the page joined.");
    expect(shape(turn)).toEqual(["Stored before the page joined."]);
  });

  it("ignores a resumed event of another answer", () => {
    const turn = play([
      { type: "user_message", seq: 1, message_id: "u", assistant_message_id: "a", text: "Hi" },
      { type: "text_delta", seq: 2, message_id: "a", text: "Hello." },
      { type: "resumed", seq: 3, message_id: "other", text: "" },
    ]);
    expect(turn.text).toBe("Hello.");
    expect(turn.lastSeq).toBe(3);
  });

  it("keeps an INTERRUPTED failure with what was done", () => {
    const turn = play([
      { type: "text_delta", seq: 2, message_id: "a", text: "Let me check." },
      { type: "usage", seq: 3, ...usage },
      { type: "error", seq: 4, message_id: "a", code: "INTERRUPTED", message: "The turn was interrupted." },
    ]);
    expect(turnMessages(turn).pop()).toMatchObject({ status: "FAILED", errorCode: "INTERRUPTED", text: "Let me check." });
  });
});

describe("typed events", () => {
  it("takes statuses and write actions as the server spells them", () => {
    const turn = play([
      { type: "tool_call", seq: 2, id: "w", tool_use_id: "tw", name: "write_file", input: { path: "n.md", content: "y" } },
      { type: "approval_required", seq: 3, id: "w", tool_use_id: "tw", path: "n.md", action: "OVERWRITE", size: 1, diff: "-x\n+y\n" },
      { type: "tool_result", seq: 4, id: "w", tool_use_id: "tw", name: "write_file", success: null, status: "PENDING_APPROVAL", output: {} },
      { type: "done", seq: 5, message_id: "a", status: "CANCELLED" },
    ]);
    expect(turn.toolExecutions[0]).toMatchObject({ status: "PENDING_APPROVAL", proposal: { action: "OVERWRITE" } });
    expect(turn.messageStatus).toBe("CANCELLED");
    expect(turnMessages(turn).pop()).toMatchObject({ status: "CANCELLED" });
  });

  it("names the tool called, or none when it does not exist", () => {
    const turn = play([
      { type: "tool_call", seq: 2, id: "t1", tool_use_id: "tu1", name: "read_file", input: { path: "a.md" } },
      { type: "tool_call", seq: 3, id: "t2", tool_use_id: "tu2", name: "launch_rockets", input: {} },
    ]);
    expect(turn.toolExecutions.map((execution) => [execution.name, execution.tool])).toEqual([
      ["read_file", "read_file"],
      ["launch_rockets", null],
    ]);
  });

  it("keeps the conversation's total cost as the server last counted it", () => {
    const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    const before = play([{ type: "usage", seq: 2, ...usage, cost: "0.001" }]);
    expect(before.conversationCost).toBeNull(); // an older server: the page shows what the query returned
    const turn = play([
      { type: "usage", seq: 2, ...usage, cost: "0.001", conversation_cost: "1.501" },
      { type: "usage", seq: 3, ...usage, cost: "0.002", conversation_cost: "1.503" },
      { type: "usage", seq: 4, ...usage, cost: "0.003" },
    ]);
    expect(turn.conversationCost).toBe("1.503");
    expect(turn.cost).toBe("0.006"); // the answer's own cost: its model calls'
  });
});
