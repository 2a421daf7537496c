import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import ToolExecutionCard from "assistant/features/ToolExecutionCard";
import { describeAnswerError } from "assistant/helpers/errors";
import { execution } from "assistant/helpers/testFixtures";
import QuestionCard from "./QuestionCard";

function asked(overrides = {}, input = {}) {
  return execution({
    id: "q-1",
    name: "ask_user",
    input: { question: "Per year or per month?", choices: ["Per year", "Per month"], allow_free_text: false, ...input },
    output: null,
    success: null,
    status: "AWAITING_ANSWER",
    ...overrides,
  });
}

describe("QuestionCard", () => {
  it("answers with a choice's button", async () => {
    const onAnswer = jest.fn().mockResolvedValue({ success: true, errors: [] });
    render(<QuestionCard execution={asked()} onAnswer={onAnswer} />);
    expect(screen.getByRole("region", { name: "Question from the assistant" })).toHaveTextContent("Per year or per month?");
    expect(screen.queryByRole("textbox")).not.toBeInTheDocument(); // free text not allowed
    await userEvent.click(screen.getByRole("button", { name: "Per month" }));
    expect(onAnswer).toHaveBeenCalledWith("q-1", "Per month");
  });

  it("answers with typed text, from the keyboard", async () => {
    const onAnswer = jest.fn().mockResolvedValue({ success: true, errors: [] });
    render(<QuestionCard execution={asked({}, { allow_free_text: true })} onAnswer={onAnswer} />);
    const field = screen.getByRole("textbox", { name: "Your answer" });
    expect(screen.getByRole("button", { name: "Answer" })).toBeDisabled();
    await userEvent.type(field, "  Per quarter {Enter}");
    expect(onAnswer).toHaveBeenCalledWith("q-1", "Per quarter");
  });

  it("says why an answer was refused, and keeps the question open", async () => {
    const onAnswer = jest.fn().mockResolvedValue({ success: false, errors: ["QUESTION_CLOSED"] });
    render(<QuestionCard execution={asked()} onAnswer={onAnswer} describeError={describeAnswerError} />);
    await userEvent.click(screen.getByRole("button", { name: "Per year" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("This question is closed");
    expect(screen.getByRole("button", { name: "Per year" })).toBeEnabled();
  });

  it("shows the answer once given, and no buttons", () => {
    render(<QuestionCard execution={asked({ status: "ANSWERED", output: { answer: "Per year" } })} onAnswer={jest.fn()} />);
    expect(screen.getByText("Your answer:")).toHaveTextContent("Your answer: Per year");
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });

  it("shows a question closed unanswered", () => {
    render(<QuestionCard execution={asked({ status: "UNANSWERED" })} onAnswer={jest.fn()} />);
    expect(screen.getByText("Not answered")).toBeInTheDocument();
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });

  it("reads the question as the server does: spaces collapsed, choices once, typing allowed without choices", () => {
    render(<QuestionCard execution={asked({}, { question: "  Which  year? ", choices: ["2023", " 2023 ", "2024"], allow_free_text: undefined })} onAnswer={jest.fn()} />);
    expect(screen.getByText("Which year?")).toBeInTheDocument();
    expect(screen.getAllByRole("button", { name: "2023" })).toHaveLength(1);
    expect(screen.getByRole("textbox", { name: "Your answer" })).toBeInTheDocument();
  });

  it("shows the answer streamed as the call's result", () => {
    render(<QuestionCard execution={asked({ status: "ANSWERED", output: { answer: "Per month" } })} />);
    expect(screen.getByText("Your answer:")).toHaveTextContent("Your answer: Per month");
  });

  it("is what a tool card shows for ask_user", () => {
    render(<ToolExecutionCard execution={asked()} onAnswer={jest.fn()} />);
    expect(screen.getByTestId("question-card")).toBeInTheDocument();
  });
});
