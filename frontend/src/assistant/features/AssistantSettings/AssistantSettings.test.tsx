import { ApolloClient, ApolloLink, ApolloProvider, Observable } from "@apollo/client";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createCache } from "core/helpers/apollo";
import { t } from "core/helpers/i18n";
import AssistantSettings, { describeChange } from "./AssistantSettings";

const TOOLS = ["describe_tables", "list_files", "query_database", "read_file", "search_files", "write_file"];

function settings(overrides: Record<string, any> = {}) {
  return {
    __typename: "AssistantSettings",
    instructions: "District codes: BO=01.",
    maxInstructionsLength: 10000,
    model: "claude-opus-4-6",
    retiredModel: null,
    enabledTools: TOOLS,
    availableTools: TOOLS,
    sendRowsToModel: true,
    followUps: true,
    canManage: true,
    updatedAt: null,
    availableModels: [
      { __typename: "AssistantModel", id: "claude-opus-4-6", name: "Claude Opus 4.6", inputPrice: "5", outputPrice: "25" },
      { __typename: "AssistantModel", id: "claude-haiku-4-5-20251001", name: "Claude Haiku 4.5", inputPrice: "1", outputPrice: "5" },
    ],
    promptTemplates: [{ __typename: "AssistantPromptTemplate", id: "t1", title: "Weekly cases", text: "Cases last week?" }],
    changes: [
      {
        __typename: "AssistantSettingsChange",
        id: "1",
        createdAt: "2025-01-01T10:00:00Z",
        changes: { model: { before: "claude-sonnet-4-5-20250929", after: "claude-opus-4-6" } },
        user: { __typename: "User", email: "admin@example.org" },
      },
    ],
    ...overrides,
  };
}

function setup(current: Record<string, any>, answers: Record<string, (variables: any) => any> = {}) {
  const calls: { name: string; variables: any }[] = [];
  const link = new ApolloLink(
    (operation) =>
      new Observable((observer) => {
        calls.push({ name: operation.operationName, variables: operation.variables });
        const answer =
          operation.operationName === "AssistantSettings"
            ? { workspace: { __typename: "Workspace", slug: "malaria", name: "Malaria", assistantSettings: current } }
            : answers[operation.operationName]?.(operation.variables);
        observer.next({ data: answer });
        observer.complete();
      }),
  );
  const client = new ApolloClient({ link, cache: createCache() });
  render(
    <ApolloProvider client={client}>
      <AssistantSettings workspaceSlug="malaria" />
    </ApolloProvider>,
  );
  return calls;
}

test("an admin changes the instructions, model, tools and data policy", async () => {
  const calls = setup(settings(), {
    UpdateAssistantSettings: () => ({
      updateAssistantSettings: { __typename: "UpdateAssistantSettingsResult", success: true, errors: [], settings: settings() },
    }),
  });
  const instructions = await screen.findByLabelText("Instructions for the assistant");
  expect(screen.getByText("22 / 10,000 characters")).toBeInTheDocument();
  await userEvent.clear(instructions);
  await userEvent.type(instructions, "Weeks start on Monday.");
  expect(screen.getByText("22 / 10,000 characters")).toBeInTheDocument();
  const model = screen.getByLabelText("Model");
  expect(within(model).getByRole("option", { name: "Claude Haiku 4.5 — $1.00 input / $5.00 output" })).toBeInTheDocument();
  await userEvent.selectOptions(model, "claude-haiku-4-5-20251001");
  await userEvent.click(screen.getByRole("checkbox", { name: /write_file/ }));
  await userEvent.click(screen.getByRole("checkbox", { name: "Send row values to the model" }));
  expect(screen.getByText(/never sees row values/)).toBeInTheDocument();
  await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
  await screen.findByText("Settings saved.");
  const update = calls.find((call) => call.name === "UpdateAssistantSettings")!;
  expect(update.variables.input).toEqual({
    workspaceSlug: "malaria",
    instructions: "Weeks start on Monday.",
    model: "claude-haiku-4-5-20251001",
    enabledTools: TOOLS.filter((tool) => tool !== "write_file"),
    sendRowsToModel: false,
    followUps: true,
  });
});

test("refusals are explained and too long instructions cannot be saved", async () => {
  setup(settings({ maxInstructionsLength: 10 }), {
    UpdateAssistantSettings: () => ({
      updateAssistantSettings: { __typename: "UpdateAssistantSettingsResult", success: false, errors: ["INVALID_MODEL"], settings: null },
    }),
  });
  await screen.findByLabelText("Instructions for the assistant");
  expect(screen.getByRole("button", { name: "Save settings" })).toBeDisabled();  // 22 > 10
  await userEvent.clear(screen.getByLabelText("Instructions for the assistant"));
  await userEvent.click(screen.getByRole("button", { name: "Save settings" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("This model is not offered by the server.");
});

test("an admin adds, edits and deletes saved questions and sees the history", async () => {
  const calls = setup(settings(), {
    CreateAssistantPromptTemplate: () => ({
      createAssistantPromptTemplate: { __typename: "AssistantPromptTemplateResult", success: true, errors: [], promptTemplate: null },
    }),
    UpdateAssistantPromptTemplate: () => ({
      updateAssistantPromptTemplate: { __typename: "AssistantPromptTemplateResult", success: true, errors: [], promptTemplate: null },
    }),
    DeleteAssistantPromptTemplate: () => ({
      deleteAssistantPromptTemplate: { __typename: "DeleteAssistantPromptTemplateResult", success: true, errors: [] },
    }),
  });
  await screen.findByText("Weekly cases");
  const history = screen.getByRole("region", { name: "Change history" });
  expect(history).toHaveTextContent("admin@example.org");
  expect(history).toHaveTextContent("Model: claude-sonnet-4-5-20250929 → claude-opus-4-6");

  const form = screen.getByRole("form", { name: "New saved question" });
  await userEvent.type(within(form).getByLabelText("Question title"), "Stock-outs");
  await userEvent.type(within(form).getByLabelText("Question text"), "Which facilities ran out?");
  await userEvent.click(within(form).getByRole("button", { name: "Add question" }));
  await waitFor(() => expect(calls.some((call) => call.name === "CreateAssistantPromptTemplate")).toBe(true));
  expect(calls.find((call) => call.name === "CreateAssistantPromptTemplate")!.variables.input).toEqual({
    workspaceSlug: "malaria", title: "Stock-outs", text: "Which facilities ran out?",
  });

  await userEvent.click(screen.getByRole("button", { name: "Edit Weekly cases" }));
  const editor = screen.getByRole("form", { name: "Edit saved question" });
  await userEvent.clear(within(editor).getByLabelText("Question title"));
  await userEvent.type(within(editor).getByLabelText("Question title"), "Cases");
  await userEvent.click(within(editor).getByRole("button", { name: "Save" }));
  await waitFor(() => expect(calls.some((call) => call.name === "UpdateAssistantPromptTemplate")).toBe(true));
  expect(calls.find((call) => call.name === "UpdateAssistantPromptTemplate")!.variables.input).toEqual({
    id: "t1", title: "Cases", text: "Cases last week?",
  });

  await userEvent.click(await screen.findByRole("button", { name: "Delete Weekly cases" }));
  await waitFor(() => expect(calls.some((call) => call.name === "DeleteAssistantPromptTemplate")).toBe(true));
});

test("members read the settings but cannot change them", async () => {
  setup(settings({ canManage: false, changes: [] }));
  const instructions = await screen.findByLabelText("Instructions for the assistant");
  expect(instructions).toBeDisabled();
  expect(screen.getByLabelText("Model")).toBeDisabled();
  expect(screen.getByRole("checkbox", { name: "Send row values to the model" })).toBeDisabled();
  expect(screen.getByText("Only workspace admins can change these settings.")).toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Save settings" })).not.toBeInTheDocument();
  expect(screen.queryByRole("button", { name: "Edit Weekly cases" })).not.toBeInTheDocument();
  expect(screen.queryByRole("form", { name: "New saved question" })).not.toBeInTheDocument();
  expect(screen.queryByRole("region", { name: "Change history" })).not.toBeInTheDocument();
  expect(screen.getByText("Weekly cases")).toBeInTheDocument();
});

test("recorded changes are described in words", () => {
  expect(
    describeChange(t, {
      send_rows_to_model: { before: true, after: false },
      instructions: { before: "", after: "x" },
      enabled_tools: { before: TOOLS, after: [] },
      prompt_template: { before: null, after: { title: "Stock" } },
    }),
  ).toEqual(["Rows are no longer sent to the model", "Instructions changed", "Tools: none", "Saved question added: Stock"]);
});

test("a workspace moved off a retired model says so, above the model it now uses", async () => {
  setup(
    settings({
      retiredModel: "claude-sonnet-4-5-20250929",
      changes: [
        {
          __typename: "AssistantSettingsChange",
          id: "2",
          createdAt: "2026-12-01T10:00:00Z",
          changes: { model: { before: "claude-sonnet-4-5-20250929", after: "claude-opus-4-6", retired: true } },
          user: null,
        },
      ],
    }),
  );
  const notice = await screen.findByText(/Anthropic has retired/);
  expect(notice).toHaveAttribute("role", "status");
  expect(notice).toHaveTextContent(
    "Anthropic has retired claude-sonnet-4-5-20250929, the model this workspace used: it now uses the server's default model, claude-opus-4-6.",
  );
  expect(screen.getByRole("region", { name: "Change history" })).toHaveTextContent(
    "the server: Model retired by Anthropic: claude-sonnet-4-5-20250929 → claude-opus-4-6",
  );
});

test("no notice when the workspace was never moved off a retired model", async () => {
  setup(settings());
  await screen.findByText("Weekly cases");
  expect(screen.queryByText(/Anthropic has retired/)).not.toBeInTheDocument();
});

test("a conversation moved off a retired model is described in the history", () => {
  expect(
    describeChange(t, {
      conversation_model: { before: "claude-sonnet-4-5", after: "claude-opus-5-5", retired: true, conversation: { id: "c1", title: "Old" } },
    } as any),
  ).toEqual(["A conversation's model was retired by Anthropic: claude-sonnet-4-5 → claude-opus-5-5"]);
});
