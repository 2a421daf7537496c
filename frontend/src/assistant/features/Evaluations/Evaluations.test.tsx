import { ApolloClient, ApolloLink, ApolloProvider, Observable } from "@apollo/client";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createCache } from "core/helpers/apollo";
import Evaluations from "./Evaluations";

const RUN = {
  __typename: "AssistantEvaluationRun",
  id: "r2",
  status: "COMPLETE",
  model: "claude-opus-4-6",
  accuracy: 0.5,
  passedCount: 1,
  questionCount: 2,
  cost: "0.0123",
  durationMs: 4200,
  createdAt: "2025-01-02T10:00:00Z",
  startedBy: { __typename: "User", email: "admin@example.org" },
  previousRun: { __typename: "AssistantEvaluationRun", id: "r1", accuracy: 1 },
};

const result = (id: string, question: string, passed: boolean, extra: Record<string, any> = {}) => ({
  __typename: "AssistantEvaluationResult",
  id,
  question,
  passed,
  reason: null,
  detail: "",
  textMatches: null,
  cost: "0.006",
  durationMs: 2100,
  conversationId: `c-${id}`,
  previouslyPassed: true,
  regressed: false,
  ...extra,
});

function setup(evaluations: Record<string, any> | null, answers: Record<string, (variables: any) => any> = {}) {
  const calls: { name: string; variables: any }[] = [];
  const link = new ApolloLink(
    (operation) =>
      new Observable((observer) => {
        calls.push({ name: operation.operationName, variables: operation.variables });
        const answer =
          operation.operationName === "AssistantEvaluations"
            ? {
                workspace: {
                  __typename: "Workspace",
                  slug: "malaria",
                  name: "Malaria",
                  assistantSettings: {
                    __typename: "AssistantSettings",
                    model: "claude-opus-4-6",
                    availableModels: [{ __typename: "AssistantModel", id: "claude-opus-4-6", name: "Claude Opus 4.6" }],
                  },
                  assistantEvaluations: evaluations,
                },
              }
            : answers[operation.operationName]?.(operation.variables);
        observer.next({ data: answer });
        observer.complete();
      }),
  );
  render(
    <ApolloProvider client={new ApolloClient({ link, cache: createCache() })}>
      <Evaluations workspaceSlug="malaria" />
    </ApolloProvider>,
  );
  return calls;
}

const EVALUATIONS = {
  __typename: "AssistantEvaluations",
  expectedKinds: ["SQL", "FILES", "VALUES"],
  questions: [
    { __typename: "AssistantEvaluationQuestion", id: "q1", question: "How many districts?", expectedKind: "SQL", expected: "SELECT count(*) FROM districts", tolerance: 0 },
  ],
  runs: [RUN],
};

test("an admin sees a run's grades, its reasons and what regressed, and starts a run", async () => {
  const calls = setup(EVALUATIONS, {
    AssistantEvaluationRun: () => ({
      assistantEvaluationRun: {
        ...RUN,
        results: [
          result("a", "How many districts?", true),
          result("b", "Cases in Bo?", false, { reason: "MISSING_ROWS", detail: "1 of 3 expected rows are missing", regressed: true }),
        ],
      },
    }),
    RunAssistantEvaluation: () => ({
      runAssistantEvaluation: { __typename: "RunAssistantEvaluationResult", success: false, errors: ["RUN_IN_PROGRESS"], run: null },
    }),
  });
  expect(await screen.findByText("1 of 2 passed (50 %)")).toBeInTheDocument();
  await userEvent.click(screen.getByRole("button", { name: "Show results" }));
  const results = await screen.findByRole("region", { name: "Run results" });
  expect(await within(results).findByText("Failed: Missing rows (regressed)")).toBeInTheDocument();
  expect(results).toHaveTextContent("Previous run: 100 % — Regressed: Cases in Bo?");
  expect(within(results).getByRole("link", { name: "Cases in Bo?" })).toHaveAttribute("href", "/workspaces/malaria/assistant/c-b");
  await userEvent.click(screen.getByRole("button", { name: "Run evaluation" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("A run is already in progress.");
  expect(calls.find((call) => call.name === "RunAssistantEvaluation")!.variables.input).toEqual({
    workspaceSlug: "malaria",
    model: null,
  });
});

test("a question is added with its expected result, and a refusal says why", async () => {
  const calls = setup(EVALUATIONS, {
    CreateAssistantEvaluationQuestion: () => ({
      createAssistantEvaluationQuestion: {
        __typename: "AssistantEvaluationQuestionResult",
        success: false,
        errors: ["INVALID_EXPECTED"],
        message: "QUERY_ERROR: column \"nope\" does not exist",
        question: null,
      },
    }),
  });
  await userEvent.type(await screen.findByLabelText("Question"), "Cases per region?");
  await userEvent.type(screen.getByLabelText("Expected result"), "SELECT nope FROM districts");
  await userEvent.click(screen.getByRole("button", { name: "Add question" }));
  expect(await screen.findByRole("alert")).toHaveTextContent('The expected result could not be computed. QUERY_ERROR: column "nope" does not exist');
  expect(calls.find((call) => call.name === "CreateAssistantEvaluationQuestion")!.variables.input).toEqual({
    workspaceSlug: "malaria",
    question: "Cases per region?",
    expectedKind: "SQL",
    expected: "SELECT nope FROM districts",
    tolerance: 0,
  });
});

test("members who are not admins are told the evaluations are not theirs", async () => {
  setup(null);
  expect(await screen.findByText("Only workspace admins can manage evaluations.")).toBeInTheDocument();
});
