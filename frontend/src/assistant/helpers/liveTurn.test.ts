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
