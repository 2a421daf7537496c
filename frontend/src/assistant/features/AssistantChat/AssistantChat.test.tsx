import Router from "next/router";
import { ApolloClient, ApolloLink, ApolloProvider, Observable } from "@apollo/client";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ReadableStream as NodeReadableStream } from "node:stream/web";
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from "node:util";
import { createCache } from "core/helpers/apollo";
import { execution, message } from "assistant/helpers/testFixtures";
import ConversationSidebar from "assistant/features/ConversationSidebar";
import AssistantChat from "./AssistantChat";

// jsdom has no streams nor fetch: the page's code uses the platform's, so give it Node's.
Object.assign(globalThis, {
  ReadableStream: globalThis.ReadableStream ?? NodeReadableStream,
  TextDecoder: globalThis.TextDecoder ?? NodeTextDecoder,
  TextEncoder: globalThis.TextEncoder ?? NodeTextEncoder,
});

const ID = "11111111-1111-1111-1111-111111111111";

type Handler = (variables: Record<string, any>) => any;

function conversation(overrides: Record<string, any> = {}, items: any[] = [], pageInfo: Record<string, number> = {}) {
  return {
    __typename: "AssistantConversation",
    id: ID,
    title: "Malaria questions",
    model: "claude-opus-4-6",
    offlineModel: false,
    shared: false,
    isMine: true,
    ownerName: "Ada",
    isRunning: false,
    lastEventSeq: 0,
    lastAnswerHiddenFromModel: null,
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationInputTokens: 0,
    cacheReadInputTokens: 0,
    cost: "0",
    updatedAt: "2025-01-01T10:00:00Z",
    workspace: { __typename: "Workspace", slug: "malaria", name: "Malaria" },
    pendingApprovals: [],
    summaries: [],
    followUps: [],
    verifiedAnswers: [],
    editedQuestions: [],
    messages: {
      __typename: "AssistantMessagePage",
      pageNumber: 1,
      totalPages: 1,
      totalItems: items.length,
      items,
      ...pageInfo,
    },
    ...overrides,
  };
}

function setup(handlers: Record<string, Handler>, beside?: React.ReactNode) {
  const calls: { name: string; variables: Record<string, any> }[] = [];
  const link = new ApolloLink(
    (operation) =>
      new Observable((observer) => {
        calls.push({ name: operation.operationName, variables: operation.variables });
        const handler = handlers[operation.operationName];
        if (!handler) {
          observer.error(new Error(`No handler for ${operation.operationName}`));
          return;
        }
        Promise.resolve(handler(operation.variables)).then((data) => {
          // a handler answers GraphQL errors with { graphQLErrors: [...] }
          observer.next(data?.graphQLErrors ? { errors: data.graphQLErrors } : { data });
          observer.complete();
        });
      }),
  );
  const client = new ApolloClient({ link, cache: createCache() });
  render(
    <ApolloProvider client={client}>
      {beside}
      <AssistantChat conversationId={ID} />
    </ApolloProvider>,
  );
  return calls;
}

/** A response whose body the test writes to, frame by frame. */
function controllableStream(firstSeq = 1) {
  const encoder = new NodeTextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  let seq = firstSeq - 1;
  return {
    response: {
      ok: true,
      status: 200,
      headers: { get: (name: string) => (name.toLowerCase() === "content-type" ? "text/event-stream" : null) },
      body,
      json: async () => ({}),
    },
    send(type: string, data: Record<string, any>) {
      seq += 1;
      controller.enqueue(encoder.encode(`id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify({ ...data, seq })}\n\n`));
    },
    close() {
      controller.close();
    },
  };
}

function jsonResponse(status: number, body: any) {
  return {
    ok: status < 400,
    status,
    headers: { get: () => "application/json" },
    body: null,
    json: async () => body,
  };
}

const userMessage = (id: string, text: string, createdAt: string) =>
  message({ id, role: "USER", text, createdAt, inputTokens: 0, outputTokens: 0, cost: "0" });
const answer = (id: string, text: string, createdAt: string, extra = {}) => message({ id, text, createdAt, ...extra });

afterEach(() => {
  // @ts-expect-error cleaning up the test's fetch
  delete globalThis.fetch;
});

describe("AssistantChat", () => {
  it("streams the answer as it comes, then shows the stored turn", async () => {
    const stream = controllableStream();
    const fetchMock = jest.fn(async () => stream.response);
    globalThis.fetch = fetchMock as any;
    let loads = 0;
    setup({
      AssistantConversation: () => {
        loads += 1;
        return {
          assistantConversation:
            loads === 1
              ? conversation()
              : conversation({ cost: "0.0400", inputTokens: 3000, outputTokens: 100 }, [
                  userMessage("u1", "Which districts?", "2025-01-01T10:01:00Z"),
                  answer("a1", "Bo has the most cases.", "2025-01-01T10:01:01Z", { cost: "0.0400" }),
                ]),
        };
      },
    });
    const box = await screen.findByLabelText("Message the assistant");
    await userEvent.type(box, "Which districts?{Enter}");

    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`/assistant/conversations/${ID}/stream/`);
    expect(JSON.parse(String(init.body))).toEqual({ message: "Which districts?" });

    expect(screen.getByRole("article", { name: "Your message" })).toHaveTextContent("Which districts?");
    await act(async () => {
      stream.send("user_message", { message_id: "u1", assistant_message_id: "a1", text: "Which districts?" });
      stream.send("text_delta", { message_id: "a1", text: "Bo has " });
    });
    await screen.findByText("Bo has", { exact: false });
    expect(screen.getByRole("status")).toHaveTextContent("Thinking…");
    expect(screen.getByRole("button", { name: "Stop the assistant" })).toBeInTheDocument();

    await act(async () => {
      stream.send("text_delta", { message_id: "a1", text: "the most cases." });
      stream.send("usage", {
        input_tokens: 3000,
        output_tokens: 100,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cost: "0.0400",
        conversation_cost: "0.0400",
      });
    });
    await screen.findByText("Bo has the most cases.");
    expect(screen.getByLabelText("Conversation total")).toHaveTextContent("$0.04");

    await act(async () => {
      stream.send("done", { message_id: "a1", status: "COMPLETE" });
      stream.close();
    });
    await waitFor(() => expect(loads).toBe(2));
    await waitFor(() => expect(screen.queryByRole("button", { name: "Stop the assistant" })).not.toBeInTheDocument());
    expect(screen.getAllByRole("article")).toHaveLength(2);
    expect(screen.getByRole("article", { name: "Assistant's answer" })).toHaveAttribute("data-message-id", "a1");
    // screen readers hear that the answer is ready, not the whole history again
    expect(screen.getByTestId("chat-announcement")).toHaveTextContent("Answer ready.");
    expect(screen.queryByRole("log")).not.toBeInTheDocument();
  });

  it("edits a question in place: it and what followed are replaced, and the earlier branch is one click away", async () => {
    const stream = controllableStream(10);
    const fetchMock = jest.fn(async () => stream.response);
    globalThis.fetch = fetchMock as any;
    const before = [
      userMessage("u1", "Which districts?", "2025-01-01T10:01:00Z"),
      answer("a1", "Bo has the most cases.", "2025-01-01T10:01:01Z"),
      userMessage("u2", "And the fewest?", "2025-01-01T10:02:00Z"),
      answer("a2", "Moyamba.", "2025-01-01T10:02:01Z"),
    ];
    const edited = [userMessage("u3", "Which districts in 2024?", "2025-01-01T10:03:00Z"), answer("a3", "Kenema in 2024.", "2025-01-01T10:03:01Z")];
    const versions = (messageId: string) => [{ __typename: "AssistantQuestionVersions", messageId, versions: ["u1", "u3"] }];
    let branch = "before";
    let edits = 0;
    const handlers = {
      AssistantConversation: () => ({
        assistantConversation:
          branch === "before"
            ? conversation({ editedQuestions: edits ? versions("u1") : [] }, before)
            : conversation({ editedQuestions: versions("u3") }, edited),
      }),
      SwitchAssistantBranch: (variables: Record<string, any>) => {
        branch = variables.input.messageId === "u1" ? "before" : "edited";
        return { switchAssistantBranch: { __typename: "SwitchAssistantBranchResult", success: true, errors: [] } };
      },
    };
    const calls = setup(handlers);
    await screen.findByText("Moyamba.");
    await userEvent.click(screen.getByRole("button", { name: "Edit and resend: “Which districts?”" }));
    const box = screen.getByRole("textbox", { name: "Edit your message" });
    await userEvent.clear(box);
    await userEvent.type(box, "Which districts in 2024?{Enter}");

    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(JSON.parse(String(init.body))).toEqual({ message: "Which districts in 2024?", replaces_message_id: "u1" });
    // the edited question replaces it and everything after it at once
    expect(screen.queryByText("Moyamba.")).not.toBeInTheDocument();
    expect(screen.queryByText("Bo has the most cases.")).not.toBeInTheDocument();
    expect(screen.getByRole("article", { name: "Your message" })).toHaveTextContent("Which districts in 2024?");

    branch = "edited";
    edits = 1;
    await act(async () => {
      stream.send("user_message", { message_id: "u3", assistant_message_id: "a3", text: "Which districts in 2024?", replaces_message_id: "u1" });
      stream.send("text_delta", { message_id: "a3", text: "Kenema in 2024." });
      stream.send("done", { message_id: "a3", status: "COMPLETE" });
      stream.close();
    });
    await waitFor(() => expect(screen.getByTestId("version-position")).toHaveTextContent("2/2"));
    expect(screen.getAllByRole("article")).toHaveLength(2);

    await userEvent.click(screen.getByRole("button", { name: "Previous version: “Which districts in 2024?”" }));
    await screen.findByText("Moyamba.");
    expect(calls.filter((call) => call.name === "SwitchAssistantBranch")[0].variables).toEqual({ input: { messageId: "u1" } });
    expect(screen.queryByText("Kenema in 2024.")).not.toBeInTheDocument();
    expect(screen.getAllByRole("article")).toHaveLength(4);
  });

  it("shows the last answer's follow-up questions and sends one on click; marks answers that ran a verified query", async () => {
    const stream = controllableStream();
    const fetchMock = jest.fn(async () => stream.response);
    globalThis.fetch = fetchMock as any;
    const verifiedQuery = {
      __typename: "AssistantVerifiedQuery",
      id: "v1",
      question: "Which districts?",
      verifiedBy: { __typename: "User", email: "editor@example.org" },
    };
    setup({
      AssistantConversation: () => ({
        assistantConversation: conversation(
          {
            followUps: ["Map cases per district", "And per year?"],
            verifiedAnswers: [{ __typename: "AssistantVerifiedAnswer", messageId: "a1", verifiedQueries: [verifiedQuery] }],
          },
          [
            userMessage("u1", "Which districts?", "2025-01-01T10:01:00Z"),
            answer("a1", "Bo has the most cases.", "2025-01-01T10:01:01Z"),
            userMessage("u2", "And Kenema?", "2025-01-01T10:02:00Z"),
            answer("a2", "Kenema has 300.", "2025-01-01T10:02:01Z"),
          ],
        ),
      }),
    });
    const [first, last] = await screen.findAllByRole("article", { name: "Assistant's answer" });
    expect(first).toHaveTextContent("Verified query — verified by editor@example.org");
    expect(within(first).queryByRole("navigation", { name: "Follow-up questions" })).toBeNull();
    expect(last).not.toHaveTextContent("Verified query");
    const suggestions = within(last).getByRole("navigation", { name: "Follow-up questions" });
    await userEvent.click(within(suggestions).getByRole("button", { name: "Map cases per district" }));
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`/assistant/conversations/${ID}/stream/`);
    expect(JSON.parse(String(init.body))).toEqual({ message: "Map cases per district" });
  });

  it("has the conversations beside the chat follow its turns", async () => {
    const stream = controllableStream();
    globalThis.fetch = jest.fn(async () => stream.response) as any;
    let sidebarLoads = 0;
    setup(
      {
        AssistantConversation: () => ({ assistantConversation: conversation() }),
        AssistantConversationSidebar: () => {
          sidebarLoads += 1;
          return {
            workspace: {
              __typename: "Workspace",
              slug: "malaria",
              assistantConversations: { __typename: "AssistantConversationPage", totalItems: 0, items: [] },
            },
          };
        },
      },
      <ConversationSidebar workspaceSlug="malaria" currentId={ID} />,
    );
    await userEvent.type(await screen.findByLabelText("Message the assistant"), "Which districts?{Enter}");
    await waitFor(() => expect(sidebarLoads).toBe(2)); // the turn started: the new conversation is listed
    await act(async () => {
      stream.send("user_message", { message_id: "u1", assistant_message_id: "a1", text: "Which districts?" });
      stream.send("done", { message_id: "a1", status: "COMPLETE" });
      stream.close();
    });
    await waitFor(() => expect(sidebarLoads).toBe(3)); // and again once it ended
  });

  it("keeps a notice of a write awaiting approval in view, and takes the reader to it", async () => {
    const pending = execution({
      id: "w1",
      name: "write_file",
      status: "PENDING_APPROVAL",
      success: null,
      input: { path: "notes/todo.md" },
      proposal: {
        __typename: "AssistantWriteProposal",
        path: "notes/todo.md",
        action: "CREATE",
        size: 4,
        diff: "--- /dev/null\n+++ notes/todo.md\n@@ -0,0 +1 @@\n+todo\n",
        rejectionReason: null,
        resolvedAt: null,
      },
    });
    setup({
      AssistantConversation: () => ({
        assistantConversation: conversation({}, [
          userMessage("u1", "Save a note", "2025-01-01T10:01:00Z"),
          answer("a1", "I propose this note.", "2025-01-01T10:01:01Z", { toolExecutions: [pending] }),
        ]),
      }),
    });
    await screen.findByText("A change to a file awaits your approval.");
    const scrollIntoView = jest.fn();
    Element.prototype.scrollIntoView = scrollIntoView;
    await userEvent.click(screen.getByRole("button", { name: "Show" }));
    expect(scrollIntoView).toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Approve writing notes/todo.md" })).toHaveFocus();
  });

  it("shows a conversation shared with the reader read-only, and continues it as theirs", async () => {
    const pending = execution({
      id: "w1",
      name: "write_file",
      status: "PENDING_APPROVAL",
      success: null,
      input: { path: "notes/todo.md" },
      proposal: {
        __typename: "AssistantWriteProposal",
        path: "notes/todo.md",
        action: "CREATE",
        size: 4,
        diff: "+todo\n",
        rejectionReason: null,
        resolvedAt: null,
      },
    });
    const push = jest.spyOn(Router, "push").mockResolvedValue(true);
    const calls = setup({
      AssistantConversation: () => ({
        assistantConversation: conversation({ isMine: false, shared: true, ownerName: "Ada" }, [
          userMessage("u1", "Save a note", "2025-01-01T10:01:00Z"),
          answer("a1", "I propose this note.", "2025-01-01T10:01:01Z", { toolExecutions: [pending] }),
        ]),
      }),
      ContinueAssistantConversation: () => ({
        continueAssistantConversation: {
          __typename: "ContinueAssistantConversationResult",
          success: true,
          errors: [],
          conversation: { __typename: "AssistantConversation", id: "copy-1" },
        },
      }),
    });
    expect(await screen.findByText("Shared by Ada: you can read it, not change it.")).toBeInTheDocument();
    expect(screen.getByText("I propose this note.")).toBeInTheDocument();
    // nothing to send, approve or share: the conversation is its owner's
    expect(screen.queryByLabelText("Message the assistant")).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Approve/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Share with the workspace/ })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Continue as my conversation" }));
    await waitFor(() => expect(push).toHaveBeenCalledWith("/workspaces/malaria/assistant/copy-1"));
    expect(calls.find((call) => call.name === "ContinueAssistantConversation")?.variables).toEqual({ input: { id: ID } });
    push.mockRestore();
  });

  it("offers to jump back to the latest message when the reader scrolled up", async () => {
    setup({
      AssistantConversation: () => ({
        assistantConversation: conversation({}, [
          userMessage("u1", "Which districts?", "2025-01-01T10:01:00Z"),
          answer("a1", "Bo.", "2025-01-01T10:01:01Z"),
        ]),
      }),
    });
    const scroller = await screen.findByTestId("chat-scroller");
    // the messages box can be scrolled with the keyboard
    expect(scroller).toHaveAttribute("tabindex", "0");
    Object.defineProperty(scroller, "scrollHeight", { configurable: true, value: 5000 });
    Object.defineProperty(scroller, "clientHeight", { configurable: true, value: 500 });
    scroller.scrollTop = 1000;
    fireEvent.scroll(scroller);
    await userEvent.click(await screen.findByRole("button", { name: "Jump to latest" }));
    expect(scroller.scrollTop).toBe(5000);
    expect(screen.queryByRole("button", { name: /Jump to latest/ })).not.toBeInTheDocument();
  });

  it("shows where earlier turns were summarised for the model, keeping every message", async () => {
    setup({
      AssistantConversation: () => ({
        assistantConversation: conversation(
          {
            summaries: [
              {
                __typename: "AssistantConversationSummary",
                id: "s1",
                text: "The user asked about **Bo**.",
                lastMessageId: "a1",
                hiddenFromModel: false,
              },
            ],
          },
          [
            userMessage("u1", "Which districts?", "2025-01-01T10:01:00Z"),
            answer("a1", "Bo has the most cases.", "2025-01-01T10:01:01Z"),
            userMessage("u2", "And in 2024?", "2025-01-01T10:02:00Z"),
            answer("a2", "Kenema.", "2025-01-01T10:02:01Z"),
          ],
        ),
      }),
    });
    const note = await screen.findByText("Earlier turns summarised for the assistant");
    expect(screen.getAllByRole("article")).toHaveLength(4);
    const details = note.closest("details")!;
    // placed right after the last message it covers
    const articles = screen.getAllByRole("article");
    expect(articles[1].compareDocumentPosition(details) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(articles[2].compareDocumentPosition(details) & Node.DOCUMENT_POSITION_PRECEDING).toBeTruthy();
    await userEvent.click(note);
    expect(within(details).getByText("Bo").tagName).toBe("STRONG");
  });

  it("says which answers the model no longer sees under the data policy, and hides their summary", async () => {
    setup({
      AssistantConversation: () => ({
        assistantConversation: conversation(
          {
            summaries: [
              {
                __typename: "AssistantConversationSummary",
                id: "s1",
                text: "Patients listed.",
                lastMessageId: "a1",
                hiddenFromModel: true,
              },
            ],
            lastAnswerHiddenFromModel: "a1",
          },
          [
            userMessage("u1", "List the patients", "2025-01-01T10:01:00Z"),
            answer("a1", "Here they are.", "2025-01-01T10:01:01Z"),
            userMessage("u2", "How many?", "2025-01-01T10:02:00Z"),
            answer("a2", "Twelve.", "2025-01-01T10:02:01Z"),
          ],
        ),
      }),
    });
    const notice = (await screen.findByText("The assistant no longer sees its answers above")).closest("[role=note]")!;
    const articles = screen.getAllByRole("article");
    expect(articles[1].compareDocumentPosition(notice) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(articles[2].compareDocumentPosition(notice) & Node.DOCUMENT_POSITION_PRECEDING).toBeTruthy();
    expect(screen.queryByText("Earlier turns summarised for the assistant")).not.toBeInTheDocument();
  });

  it("says in plain words why a message was refused, and retries", async () => {
    const fetchMock = jest
      .fn()
      .mockResolvedValueOnce(jsonResponse(409, { errors: ["CONVERSATION_BUSY"] }))
      .mockResolvedValueOnce(jsonResponse(429, { errors: ["RATE_LIMITED"] }));
    globalThis.fetch = fetchMock as any;
    setup({ AssistantConversation: () => ({ assistantConversation: conversation() }) });
    await userEvent.type(await screen.findByLabelText("Message the assistant"), "Hello{Enter}");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The assistant is still answering in this conversation.");
    await userEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(JSON.parse(String((fetchMock.mock.calls[1] as any)[1].body))).toEqual({ message: "Hello" });
    expect(await screen.findByRole("alert")).toHaveTextContent("Too many messages in a short time.");
  });

  it("gives a message refused because the database is unavailable back to the text box", async () => {
    const fetchMock = jest.fn().mockResolvedValueOnce(
      jsonResponse(503, {
        errors: ["DATABASE_UNAVAILABLE"],
        message: "The database cannot be reached right now. Nothing was lost; try again in a moment.",
      }),
    );
    globalThis.fetch = fetchMock as any;
    setup({ AssistantConversation: () => ({ assistantConversation: conversation() }) });
    const box = await screen.findByLabelText("Message the assistant");
    await userEvent.type(box, "How many cases?{Enter}");
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The service is briefly unavailable; your message was not lost. Try again in a moment.");
    expect(box).toHaveValue("How many cases?");
    expect(screen.queryByRole("article", { name: "Your message" })).not.toBeInTheDocument();

    // Retry sends it from the banner: the box does not keep a second copy
    const stream = controllableStream();
    fetchMock.mockResolvedValueOnce(stream.response);
    await userEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(JSON.parse(String((fetchMock.mock.calls[1] as any)[1].body))).toEqual({ message: "How many cases?" });
    expect(box).toHaveValue("");
    await act(async () => {
      stream.send("done", { message_id: "a1", status: "COMPLETE" });
      stream.close();
    });
  });

  it("does not replace what was typed since a refused send", async () => {
    let answerRefusal!: (response: any) => void;
    globalThis.fetch = jest.fn(() => new Promise((resolve) => (answerRefusal = resolve))) as any;
    setup({ AssistantConversation: () => ({ assistantConversation: conversation() }) });
    const box = await screen.findByLabelText("Message the assistant");
    await userEvent.type(box, "First{Enter}");
    await userEvent.type(box, "Second");
    await act(async () => answerRefusal(jsonResponse(503, { errors: ["DATABASE_UNAVAILABLE"] })));
    await screen.findByRole("alert");
    expect(box).toHaveValue("Second");
  });

  it("replaces the live answer's text when another worker resumes the turn, keeping its tool calls", async () => {
    const stream = controllableStream();
    globalThis.fetch = jest.fn(async () => stream.response) as any;
    setup({ AssistantConversation: () => ({ assistantConversation: conversation() }) });
    await userEvent.type(await screen.findByLabelText("Message the assistant"), "How many cases?{Enter}");
    const usage = { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cost: "0" };
    await act(async () => {
      stream.send("user_message", { message_id: "u1", assistant_message_id: "a1", text: "How many cases?" });
      stream.send("text_delta", { message_id: "a1", text: "Let me count them." });
      stream.send("usage", usage);
      stream.send("tool_call", { id: "t1", tool_use_id: "tu1", name: "query_database", input: { query: "SELECT count(*) FROM cases" } });
      stream.send("tool_result", { id: "t1", tool_use_id: "tu1", name: "query_database", success: true, status: "COMPLETED", output: { columns: ["count"], rows: [[16]] } });
      stream.send("text_delta", { message_id: "a1", text: "There are sixt" });
    });
    await screen.findByText("There are sixt");
    await act(async () => {
      stream.send("resumed", { message_id: "a1", text: "Let me count them." });
    });
    await waitFor(() => expect(screen.queryByText("There are sixt")).not.toBeInTheDocument());
    const live = screen.getByRole("article", { name: "Assistant's answer" });
    expect(live).toHaveTextContent("Let me count them.");
    expect(within(live).getByText("Queried the database")).toBeInTheDocument();
    await act(async () => {
      stream.send("text_delta", { message_id: "a1", text: "There are 16 cases." });
    });
    expect(await screen.findByText("There are 16 cases.")).toBeInTheDocument();
    expect(screen.getByRole("article", { name: "Assistant's answer" })).toHaveTextContent("Let me count them.");
    await act(async () => {
      stream.send("done", { message_id: "a1", status: "COMPLETE" });
      stream.close();
    });
  });

  it("says at once that an interrupted step is being run again, until its result comes", async () => {
    const stream = controllableStream();
    globalThis.fetch = jest.fn(async () => stream.response) as any;
    setup({ AssistantConversation: () => ({ assistantConversation: conversation() }) });
    await userEvent.type(await screen.findByLabelText("Message the assistant"), "How many cases?{Enter}");
    const call = { id: "t1", tool_use_id: "tu1", name: "query_database", input: { query: "SELECT count(*) FROM cases" } };
    await act(async () => {
      stream.send("user_message", { message_id: "u1", assistant_message_id: "a1", text: "How many cases?" });
      stream.send("tool_call", call);
    });
    expect(screen.queryByText(/being run again/)).not.toBeInTheDocument();
    await act(async () => {
      stream.send("resumed", { message_id: "a1", text: "" });
      stream.send("tool_call", { ...call, rerun: true });
    });
    expect(
      await screen.findByText("The server running this answer stopped; the interrupted step (query_database) is being run again."),
    ).toHaveAttribute("role", "status");
    const live = screen.getByRole("article", { name: "Assistant's answer" });
    expect(within(live).getAllByTestId("tool-execution")).toHaveLength(1); // the same call, not a second one
    await act(async () => {
      stream.send("tool_result", { ...call, success: true, status: "COMPLETED", output: { columns: ["count"], rows: [[16]] } });
    });
    await waitFor(() => expect(screen.queryByText(/being run again/)).not.toBeInTheDocument());
    await act(async () => {
      stream.send("done", { message_id: "a1", status: "COMPLETE" });
      stream.close();
    });
  });

  it("says in plain words that a turn was interrupted, and offers to send the message again", async () => {
    const stream = controllableStream();
    globalThis.fetch = jest.fn(async () => stream.response) as any;
    let loads = 0;
    const interrupted = "The turn's server stopped and it could not be resumed.";
    setup({
      AssistantConversation: () => {
        loads += 1;
        return {
          assistantConversation:
            loads === 1
              ? conversation()
              : conversation({}, [
                  userMessage("u1", "How many cases?", "2025-01-01T10:01:00Z"),
                  answer("a1", "Let me count them.", "2025-01-01T10:01:01Z", {
                    status: "FAILED",
                    errorCode: "INTERRUPTED",
                    errorMessage: interrupted,
                  }),
                ]),
        };
      },
    });
    await userEvent.type(await screen.findByLabelText("Message the assistant"), "How many cases?{Enter}");
    await act(async () => {
      stream.send("user_message", { message_id: "u1", assistant_message_id: "a1", text: "How many cases?" });
      stream.send("text_delta", { message_id: "a1", text: "Let me count them." });
      stream.send("error", { message_id: "a1", code: "INTERRUPTED", message: interrupted });
      stream.close();
    });
    await waitFor(() => expect(loads).toBe(2));
    const alert = await within(screen.getByRole("article", { name: "Assistant's answer" })).findByRole("alert");
    expect(alert).toHaveTextContent(
      "The assistant was interrupted and could not finish; what it did is kept. Send your message again to continue.",
    );
    expect(screen.getByText("Let me count them.")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Retry" })).toBeInTheDocument();
  });

  it("falls back to the sendAssistantMessage mutation when there is no stream endpoint", async () => {
    globalThis.fetch = jest.fn(async () => ({ ...jsonResponse(404, null), json: async () => { throw new Error("html"); } })) as any;
    const calls = setup({
      AssistantConversation: () => ({ assistantConversation: conversation() }),
      SendAssistantMessage: () => ({
        sendAssistantMessage: {
          __typename: "SendAssistantMessageResult",
          success: true,
          errors: [],
          message: answer("a1", "Answer", "2025-01-01T10:01:01Z"),
          conversation: conversation(),
        },
      }),
    });
    await userEvent.type(await screen.findByLabelText("Message the assistant"), "Hi{Enter}");
    await waitFor(() => expect(calls.some((call) => call.name === "SendAssistantMessage")).toBe(true));
    expect(calls.find((call) => call.name === "SendAssistantMessage")!.variables).toEqual({
      input: { conversationId: ID, message: "Hi" },
    });
  });

  it("without the stream endpoint, gives back a message the database could not take", async () => {
    globalThis.fetch = jest.fn(async () => ({ ...jsonResponse(404, null), json: async () => { throw new Error("html"); } })) as any;
    setup({
      AssistantConversation: () => ({ assistantConversation: conversation() }),
      SendAssistantMessage: () => ({
        graphQLErrors: [
          { message: "The database cannot be reached right now; try again in a moment.", extensions: { code: "DATABASE_UNAVAILABLE" } },
        ],
      }),
    });
    const box = await screen.findByLabelText("Message the assistant");
    await userEvent.type(box, "Hi{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent("The service is briefly unavailable; your message was not lost.");
    expect(box).toHaveValue("Hi");
  });

  it("resumes a turn that was running when the page was loaded", async () => {
    const stream = controllableStream(41);
    const fetchMock = jest.fn(async () => stream.response);
    globalThis.fetch = fetchMock as any;
    let loads = 0;
    setup({
      AssistantConversation: () => {
        loads += 1;
        const running = answer("a1", "Partial", "2025-01-01T10:01:01Z", { status: "RUNNING", firstEventSeq: 41 });
        return {
          assistantConversation: conversation({ isRunning: loads === 1, lastEventSeq: 45 }, [
            userMessage("u1", "Question", "2025-01-01T10:01:00Z"),
            loads === 1 ? running : answer("a1", "Partial and complete.", "2025-01-01T10:01:01Z"),
          ]),
        };
      },
    });
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect((fetchMock.mock.calls[0] as unknown as [string])[0]).toBe(`/assistant/conversations/${ID}/events/?after=40`);
    await act(async () => {
      stream.send("user_message", { message_id: "u1", assistant_message_id: "a1", text: "Question" });
      stream.send("text_delta", { message_id: "a1", text: "Partial and" });
    });
    // the replayed turn replaces the stored copies: no duplicates
    await screen.findByText("Partial and");
    expect(screen.getAllByRole("article")).toHaveLength(2);
    await act(async () => {
      stream.send("text_delta", { message_id: "a1", text: " complete." });
      stream.send("done", { message_id: "a1", status: "COMPLETE" });
      stream.close();
    });
    await screen.findByText("Partial and complete.");
    await waitFor(() => expect(loads).toBe(2));
    expect(screen.getAllByRole("article")).toHaveLength(2);
  });

  it("stops a running turn with cancelAssistantRun", async () => {
    const stream = controllableStream();
    globalThis.fetch = jest.fn(async () => stream.response) as any;
    const calls = setup({
      AssistantConversation: () => ({ assistantConversation: conversation() }),
      CancelAssistantRun: () => ({
        cancelAssistantRun: {
          __typename: "CancelAssistantRunResult",
          success: true,
          errors: [],
          conversation: { __typename: "AssistantConversation", id: ID, isRunning: true },
        },
      }),
    });
    await userEvent.type(await screen.findByLabelText("Message the assistant"), "Long task{Enter}");
    await userEvent.click(await screen.findByRole("button", { name: "Stop the assistant" }));
    await waitFor(() => expect(calls.some((call) => call.name === "CancelAssistantRun")).toBe(true));
    expect(calls.find((call) => call.name === "CancelAssistantRun")!.variables).toEqual({ conversationId: ID });
    await act(async () => {
      stream.send("done", { message_id: "a1", status: "CANCELLED" });
      stream.close();
    });
    await waitFor(() => expect(screen.queryByRole("button", { name: "Stop the assistant" })).not.toBeInTheDocument());
  });

  it("loads older messages, page by page, above the newest", async () => {
    globalThis.fetch = jest.fn() as any;
    const calls = setup({
      AssistantConversation: () => ({
        assistantConversation: conversation(
          { offlineModel: true },
          [userMessage("u2", "Second question", "2025-01-02T10:00:00Z"), answer("a2", "Second answer", "2025-01-02T10:00:01Z")],
          { totalPages: 2, totalItems: 4 },
        ),
      }),
      AssistantConversationMessages: () => ({
        assistantConversation: {
          __typename: "AssistantConversation",
          id: ID,
          messages: {
            __typename: "AssistantMessagePage",
            pageNumber: 2,
            totalPages: 2,
            totalItems: 4,
            items: [userMessage("u1", "First question", "2025-01-01T10:00:00Z"), answer("a1", "First answer", "2025-01-01T10:00:01Z")],
          },
        },
      }),
    });
    expect(await screen.findByText("Offline demo model — not Claude")).toBeInTheDocument();
    await userEvent.click(await screen.findByRole("button", { name: "Load older messages" }));
    await screen.findByText("First answer");
    expect(calls.find((call) => call.name === "AssistantConversationMessages")!.variables).toMatchObject({ id: ID, page: 2 });
    const texts = screen.getAllByRole("article").map((article) => article.textContent);
    expect(texts[0]).toContain("First question");
    expect(texts[3]).toContain("Second answer");
    expect(screen.queryByRole("button", { name: "Load older messages" })).not.toBeInTheDocument();
  });

  it("shows the conversation's cost as the server counts it, never a sum made in the browser", async () => {
    const stream = controllableStream();
    globalThis.fetch = jest.fn(async () => stream.response) as any;
    setup({ AssistantConversation: () => ({ assistantConversation: conversation({ cost: "0.0100" }) }) });
    await userEvent.type(await screen.findByLabelText("Message the assistant"), "Which districts?{Enter}");
    const total = screen.getByLabelText("Conversation total");
    expect(total).toHaveTextContent("$0.01");
    const usage = { input_tokens: 3000, output_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    await act(async () => {
      stream.send("user_message", { message_id: "u1", assistant_message_id: "a1", text: "Which districts?" });
      stream.send("usage", { ...usage, cost: "0.0400" }); // an older server: no conversation_cost
    });
    expect(await screen.findByLabelText("Usage of this answer")).toHaveTextContent("$0.04");
    expect(total).toHaveTextContent("$0.01"); // what the query returned, not 0.01 + 0.04
    await act(async () => {
      stream.send("usage", { ...usage, cost: "0.0400", conversation_cost: "0.0900" });
    });
    await waitFor(() => expect(total).toHaveTextContent("$0.09"));
    await act(async () => {
      stream.send("done", { message_id: "a1", status: "COMPLETE" });
      stream.close();
    });
  });

  it("approves a write proposed in the live turn, and shows it written", async () => {
    const stream = controllableStream();
    globalThis.fetch = jest.fn(async () => stream.response) as any;
    const proposal = {
      __typename: "AssistantWriteProposal",
      path: "notes/n.md",
      action: "CREATE",
      size: 2,
      diff: "+x\n",
      rejectionReason: null,
      resolvedAt: null,
    };
    const calls = setup({
      AssistantConversation: () => ({ assistantConversation: conversation() }),
      ApproveAssistantToolExecution: ({ id }) => ({
        approveAssistantToolExecution: {
          __typename: "ResolveAssistantToolExecutionResult",
          success: true,
          errors: [],
          toolExecution: {
            __typename: "AssistantToolExecution",
            id,
            toolUseId: "tw",
            name: "write_file",
            tool: "write_file",
            input: { path: "notes/n.md", content: "x\n" },
            output: { proposal: {}, write: { path: "notes/n.md" } },
            success: true,
            status: "APPROVED",
            durationMs: 3,
            createdAt: "2025-01-01T10:01:02Z",
            proposal: { ...proposal, resolvedAt: "2025-01-01T10:02:00Z" },
          },
        },
      }),
    });
    await userEvent.type(await screen.findByLabelText("Message the assistant"), "Write a note{Enter}");
    await act(async () => {
      stream.send("user_message", { message_id: "u1", assistant_message_id: "a1", text: "Write a note" });
      stream.send("tool_call", { id: "w1", tool_use_id: "tw", name: "write_file", input: { path: "notes/n.md", content: "x\n" } });
      stream.send("approval_required", { id: "w1", tool_use_id: "tw", path: "notes/n.md", action: "CREATE", size: 2, diff: "+x\n" });
      stream.send("tool_result", { id: "w1", tool_use_id: "tw", name: "write_file", success: null, status: "PENDING_APPROVAL", output: {} });
    });
    const card = await screen.findByRole("region", { name: "Proposed write to notes/n.md" });
    expect(within(card).getByText("New file")).toBeInTheDocument();
    expect(within(card).getByText("Awaiting your decision")).toBeInTheDocument();
    await userEvent.click(within(card).getByRole("button", { name: "Approve writing notes/n.md" }));
    await within(card).findByText("Approved — written");
    expect(calls.find((call) => call.name === "ApproveAssistantToolExecution")!.variables).toEqual({ id: "w1" });
    await act(async () => {
      stream.send("done", { message_id: "a1", status: "COMPLETE" });
      stream.close();
    });
  });

  it("answers a waiting turn's question, then follows the turn as it goes on", async () => {
    const question = {
      __typename: "AssistantToolExecution",
      id: "q1",
      toolUseId: "tq",
      name: "ask_user",
      tool: "ask_user",
      input: { question: "Per year or per month?", choices: ["Per year", "Per month"], allow_free_text: false },
      output: null,
      success: null,
      status: "AWAITING_ANSWER",
      durationMs: 0,
      createdAt: "2025-01-01T10:01:02Z",
      proposal: null,
    };
    const parts = [{ __typename: "AssistantMessagePart", text: null, toolExecution: { __typename: "AssistantToolExecution", id: "q1" } }];
    const stored = (status: string, extra = {}) => [
      userMessage("u1", "Chart cases over time", "2025-01-01T10:01:00Z"),
      answer("a1", "", "2025-01-01T10:01:01Z", { status, toolExecutions: [question], parts, ...extra }),
    ];
    const stream = controllableStream();
    const fetchMock = jest.fn(async () => stream.response);
    globalThis.fetch = fetchMock as any;
    let loads = 0;
    const calls = setup({
      AssistantConversation: () => {
        loads += 1;
        if (loads === 1) return { assistantConversation: conversation({}, stored("WAITING")) };
        if (loads === 2) return { assistantConversation: conversation({ isRunning: true }, stored("RUNNING")) };
        return {
          assistantConversation: conversation({}, stored("COMPLETE", {
            text: "Per year, then.",
            toolExecutions: [{ ...question, status: "ANSWERED", output: { answer: "Per year" } }],
            parts: [...parts, { __typename: "AssistantMessagePart", text: "Per year, then.", toolExecution: null }],
          })),
        };
      },
      AnswerAssistantQuestion: ({ input }) => ({
        answerAssistantQuestion: {
          __typename: "AnswerAssistantQuestionResult",
          success: true,
          errors: [],
          toolExecution: { ...question, id: input.toolExecutionId, status: "ANSWERED", output: { answer: input.answer } },
        },
      }),
    });
    const card = await screen.findByRole("region", { name: "Question from the assistant" });
    expect(screen.getByText("Waiting for you: answer above, or write a new message.")).toBeInTheDocument();
    await userEvent.click(within(card).getByRole("button", { name: "Per year" }));
    expect(calls.find((call) => call.name === "AnswerAssistantQuestion")!.variables).toEqual({
      input: { toolExecutionId: "q1", answer: "Per year" },
    });
    // the conversation runs again: the page follows the turn from its first event
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    expect((fetchMock.mock.calls[0] as any[])[0]).toContain(`/assistant/conversations/${ID}/events/?after=0`);
    await act(async () => {
      stream.send("user_message", { message_id: "u1", assistant_message_id: "a1", text: "Chart cases over time" });
      stream.send("tool_call", { id: "q1", tool_use_id: "tq", name: "ask_user", input: question.input });
      stream.send("tool_result", { id: "q1", tool_use_id: "tq", name: "ask_user", success: null, status: "AWAITING_ANSWER", output: {} });
      stream.send("waiting", { message_id: "a1", expires_at: "2025-01-02T10:01:02Z", awaiting: [] });
      stream.send("tool_result", { id: "q1", tool_use_id: "tq", name: "ask_user", success: true, status: "ANSWERED", output: { answer: "Per year" } });
      stream.send("resumed", { message_id: "a1", text: "", reason: "answered" });
      stream.send("text_delta", { message_id: "a1", text: "Per year, then." });
      stream.send("done", { message_id: "a1", status: "COMPLETE" });
      stream.close();
    });
    await screen.findByText("Per year, then.");
    await waitFor(() => expect(loads).toBe(3));
    expect(await screen.findByText("Your answer:")).toHaveTextContent("Your answer: Per year");
  });
});
