import { act, render, screen } from "@testing-library/react";
import { useState } from "react";
import userEvent from "@testing-library/user-event";
import MessageComposer from "./MessageComposer";

describe("MessageComposer", () => {
  it("sends with Enter and clears the box", async () => {
    const onSend = jest.fn();
    render(<MessageComposer onSend={onSend} />);
    const box = screen.getByLabelText("Message the assistant");
    await userEvent.type(box, "Which districts?{Enter}");
    expect(onSend).toHaveBeenCalledWith("Which districts?");
    expect(box).toHaveValue("");
  });

  it("starts a new line with Shift+Enter", async () => {
    const onSend = jest.fn();
    render(<MessageComposer onSend={onSend} />);
    const box = screen.getByLabelText("Message the assistant");
    await userEvent.type(box, "line one{Shift>}{Enter}{/Shift}line two");
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue("line one\nline two");
    await userEvent.type(box, "{Enter}");
    expect(onSend).toHaveBeenCalledWith("line one\nline two");
  });

  it("on a touch screen, Enter starts a new line and the Send button sends", async () => {
    const matchMedia = window.matchMedia;
    window.matchMedia = ((query: string) => ({ matches: query === "(pointer: coarse)" })) as unknown as typeof window.matchMedia;
    try {
      const onSend = jest.fn();
      render(<MessageComposer onSend={onSend} />);
      const box = screen.getByLabelText("Message the assistant");
      await userEvent.type(box, "line one{Enter}line two");
      expect(onSend).not.toHaveBeenCalled();
      expect(box).toHaveValue("line one\nline two");
      expect(screen.getByText("Send with the Send button; Enter starts a new line.")).toBeInTheDocument();
      await userEvent.click(screen.getByRole("button", { name: "Send message" }));
      expect(onSend).toHaveBeenCalledWith("line one\nline two");
    } finally {
      window.matchMedia = matchMedia;
    }
  });

  it("does not send an empty message", async () => {
    const onSend = jest.fn();
    render(<MessageComposer onSend={onSend} />);
    await userEvent.type(screen.getByLabelText("Message the assistant"), "   {Enter}");
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Send message" })).toBeDisabled();
  });

  it("offers Stop and holds sending while a turn runs", async () => {
    const onSend = jest.fn();
    const onStop = jest.fn();
    render(<MessageComposer onSend={onSend} onStop={onStop} running />);
    await userEvent.type(screen.getByLabelText("Message the assistant"), "next question{Enter}");
    expect(onSend).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "Stop the assistant" }));
    expect(onStop).toHaveBeenCalled();
  });

  it("is reachable and usable with the keyboard only", async () => {
    const onSend = jest.fn();
    render(<MessageComposer onSend={onSend} />);
    await userEvent.tab();
    expect(screen.getByLabelText("Message the assistant")).toHaveFocus();
    await userEvent.keyboard("hello");
    await userEvent.tab();
    expect(screen.getByRole("button", { name: "Send message" })).toHaveFocus();
    await userEvent.keyboard("{Enter}");
    expect(onSend).toHaveBeenCalledWith("hello");
  });

  it("shows the text the page holds, and gives it back when it changes", async () => {
    const onSend = jest.fn();
    let setDraft!: (text: string) => void;
    const Holder = () => {
      const [draft, set] = useState("");
      setDraft = set;
      return <MessageComposer onSend={onSend} value={draft} onChange={set} />;
    };
    render(<Holder />);
    const box = screen.getByLabelText("Message the assistant");
    await userEvent.type(box, "Hello{Enter}");
    expect(onSend).toHaveBeenCalledWith("Hello");
    expect(box).toHaveValue("");
    act(() => setDraft("Hello"));
    expect(box).toHaveValue("Hello");
    await userEvent.type(box, " again{Enter}");
    expect(onSend).toHaveBeenLastCalledWith("Hello again");
  });

  it("keeps a paste longer than the limit whole, says so, and refuses to send it", async () => {
    const onSend = jest.fn();
    render(<MessageComposer onSend={onSend} maxLength={100} />);
    const box = screen.getByLabelText("Message the assistant");
    await userEvent.click(box);
    await userEvent.paste("x".repeat(140));
    expect(box).toHaveValue("x".repeat(140)); // nothing cut
    expect(box).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("composer-counter")).toHaveTextContent(
      "140 characters: over the limit of 100. Shorten the message or split it.",
    );
    expect(screen.getByRole("button", { name: "Send message" })).toBeDisabled();
    await userEvent.type(box, "{Enter}");
    expect(onSend).not.toHaveBeenCalled();
    // shortened under the limit, it goes
    await userEvent.clear(box);
    await userEvent.paste("y".repeat(95));
    expect(screen.getByTestId("composer-counter")).toHaveTextContent("95 of 100 characters");
    await userEvent.type(box, "{Enter}");
    expect(onSend).toHaveBeenCalledWith("y".repeat(95));
  });

  it("shows no counter far from the limit", async () => {
    render(<MessageComposer onSend={jest.fn()} maxLength={100} />);
    await userEvent.type(screen.getByLabelText("Message the assistant"), "short");
    expect(screen.queryByTestId("composer-counter")).not.toBeInTheDocument();
  });
});
