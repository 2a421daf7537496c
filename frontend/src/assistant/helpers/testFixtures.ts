/** Objects shaped like the GraphQL fragments, for component tests. */
import type { ChatMessage_MessageFragment } from "assistant/features/ChatMessage/ChatMessage.generated";
import { toolNameOf } from "assistant/features/ToolExecutionCard/toolConfig";

type Execution = ChatMessage_MessageFragment["toolExecutions"][number];

/** A tool call; its `tool` is the one its `name` stands for, as the server says, unless given. */
export function execution(overrides: Partial<Execution> = {}): Execution {
  const name = overrides.name ?? "query_database";
  return {
    __typename: "AssistantToolExecution",
    id: "exec-1",
    toolUseId: "toolu_1",
    name,
    tool: toolNameOf(name),
    input: { query: "SELECT 1" },
    output: null,
    success: true,
    status: "COMPLETED",
    durationMs: 12,
    createdAt: "2025-01-01T10:00:00Z",
    proposal: null,
    ...overrides,
  };
}

export function message(overrides: Partial<ChatMessage_MessageFragment> = {}): ChatMessage_MessageFragment {
  return {
    __typename: "AssistantMessage",
    id: "msg-1",
    role: "ASSISTANT",
    text: "",
    status: "COMPLETE",
    errorCode: null,
    errorMessage: null,
    model: "claude-opus-4-6",
    modelCalls: 1,
    inputTokens: 1200,
    outputTokens: 80,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
    cost: "0.0123",
    firstEventSeq: 1,
    createdAt: "2025-01-01T10:00:00Z",
    feedback: null,
    toolExecutions: [],
    parts: [],
    ...overrides,
  };
}
