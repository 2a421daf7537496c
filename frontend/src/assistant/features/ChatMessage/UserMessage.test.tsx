import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ReadOnlyConversation } from "assistant/helpers/readOnly";
import { message } from "assistant/helpers/testFixtures";
import UserMessage from "./UserMessage";

const question = () => message({ id: "q2", role: "USER", text: "Which districts?" });

describe("UserMessage", () => {
  it("is edited in place and resent as a replacement of itself", async () => {
    const onEdit = jest.fn();
    render(<UserMessage message={question()} onEdit={onEdit} />);
    await userEvent.click(screen.getByRole("button", { name: "Edit and resend: “Which districts?”" }));
    const box = screen.getByRole("textbox", { name: "Edit your message" });
    expect(box).toHaveFocus();
    expect(box).toHaveValue("Which districts?");
    await userEvent.clear(box);
    await userEvent.type(box, "Which districts in 2024?");
    await userEvent.click(screen.getByRole("button", { name: "Resend" }));
    expect(onEdit).toHaveBeenCalledWith("q2", "Which districts in 2024?");
    // back to the message (the live turn shows the new version)
    expect(screen.queryByRole("textbox")).not.toBeInTheDocument();
  });

  it("cancels an edit with Escape, sending nothing", async () => {
    const onEdit = jest.fn();
    render(<UserMessage message={question()} onEdit={onEdit} />);
    await userEvent.click(screen.getByRole("button", { name: "Edit and resend: “Which districts?”" }));
    await userEvent.type(screen.getByRole("textbox", { name: "Edit your message" }), " more{Escape}");
    expect(screen.queryByRole("textbox")).not.toBeInTheDocument();
    expect(onEdit).not.toHaveBeenCalled();
  });

  it("switches between the versions of an edited message", async () => {
    const onSwitchVersion = jest.fn();
    render(<UserMessage message={question()} versions={["q1", "q2", "q3"]} onEdit={jest.fn()} onSwitchVersion={onSwitchVersion} />);
    expect(screen.getByTestId("version-position")).toHaveTextContent("2/3");
    await userEvent.click(screen.getByRole("button", { name: "Previous version: “Which districts?”" }));
    expect(onSwitchVersion).toHaveBeenLastCalledWith("q1");
    await userEvent.click(screen.getByRole("button", { name: "Next version: “Which districts?”" }));
    expect(onSwitchVersion).toHaveBeenLastCalledWith("q3");
  });

  it("shows no switcher for a message never edited, and ends the switcher at each end", () => {
    const { rerender } = render(<UserMessage message={question()} onSwitchVersion={jest.fn()} />);
    expect(screen.queryByTestId("version-position")).not.toBeInTheDocument();
    rerender(<UserMessage message={question()} versions={["q1", "q2"]} onSwitchVersion={jest.fn()} />);
    expect(screen.getByRole("button", { name: "Next version: “Which districts?”" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Previous version: “Which districts?”" })).toBeEnabled();
  });

  it("waits while a turn runs or waits for the user", () => {
    render(<UserMessage message={question()} versions={["q1", "q2"]} onEdit={jest.fn()} onSwitchVersion={jest.fn()} busy />);
    expect(screen.queryByRole("button", { name: "Edit and resend: “Which districts?”" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Previous version: “Which districts?”" })).toBeDisabled();
  });

  it("cannot be edited nor switched in a conversation shared with the reader", () => {
    render(
      <ReadOnlyConversation.Provider value>
        <UserMessage message={question()} versions={["q1", "q2"]} onEdit={jest.fn()} onSwitchVersion={jest.fn()} />
      </ReadOnlyConversation.Provider>,
    );
    expect(screen.queryByRole("button", { name: "Edit and resend: “Which districts?”" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Previous version: “Which districts?”" })).toBeDisabled();
  });
});
