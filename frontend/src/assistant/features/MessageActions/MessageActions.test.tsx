import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { AnswerActions, UserMessageActions } from "./MessageActions";

describe("AnswerActions", () => {
  it("says an answer helped, and takes it back with a second press", async () => {
    const onFeedback = jest.fn(async () => true);
    const { rerender } = render(<AnswerActions messageId="a1" text="Bo." feedback={null} onFeedback={onFeedback} />);
    const helpful = screen.getByRole("button", { name: "Helpful: “Bo.”" });
    expect(helpful).toHaveAttribute("aria-pressed", "false");
    await userEvent.click(helpful);
    expect(onFeedback).toHaveBeenLastCalledWith("a1", "HELPFUL");
    // the page shows what the server stored: pressed; pressed again, it is taken back
    rerender(<AnswerActions messageId="a1" text="Bo." feedback="HELPFUL" onFeedback={onFeedback} />);
    expect(screen.getByRole("button", { name: "Helpful: “Bo.”" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByRole("button", { name: "Not helpful: “Bo.”" })).toHaveAttribute("aria-pressed", "false");
    await waitFor(() => expect(screen.getByRole("button", { name: "Helpful: “Bo.”" })).toBeEnabled());
    await userEvent.click(screen.getByRole("button", { name: "Helpful: “Bo.”" }));
    expect(onFeedback).toHaveBeenLastCalledWith("a1", null);
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });

  it("says so when the feedback could not be saved", async () => {
    render(<AnswerActions messageId="a1" text="Bo." feedback={null} onFeedback={async () => false} />);
    await userEvent.click(screen.getByRole("button", { name: "Not helpful: “Bo.”" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Your feedback could not be saved.");
  });

  it("offers no feedback where nothing can store it", () => {
    render(<AnswerActions messageId="a1" text="Bo." />);
    expect(screen.queryByRole("button", { name: "Helpful: “Bo.”" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Copy: “Bo.”" })).toBeInTheDocument();
  });
});

describe("UserMessageActions", () => {
  it("opens the message for editing, to resend it", async () => {
    const onEdit = jest.fn();
    render(<UserMessageActions text="Which districts?" onEdit={onEdit} />);
    await userEvent.click(screen.getByRole("button", { name: "Edit and resend: “Which districts?”" }));
    expect(onEdit).toHaveBeenCalledWith("Which districts?");
  });
});
