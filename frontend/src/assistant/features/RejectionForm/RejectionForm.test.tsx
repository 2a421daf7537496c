import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import RejectionForm from "./RejectionForm";

describe("RejectionForm", () => {
  it("rejects with the reason typed, trimmed, from the button or Enter", async () => {
    const onConfirm = jest.fn();
    render(<RejectionForm onConfirm={onConfirm} onCancel={jest.fn()} disabled={false} confirming={false} />);
    const reason = screen.getByLabelText("Reason (optional, told to the assistant)");
    expect(reason).toHaveFocus();
    await userEvent.type(reason, "  Wrong file  ");
    await userEvent.click(screen.getByRole("button", { name: "Confirm rejection" }));
    expect(onConfirm).toHaveBeenLastCalledWith("Wrong file");
    await userEvent.clear(reason);
    await userEvent.type(reason, "{Enter}");
    expect(onConfirm).toHaveBeenLastCalledWith("");
  });

  it("cancels, and waits while the card is busy", async () => {
    const onCancel = jest.fn();
    const { rerender } = render(<RejectionForm onConfirm={jest.fn()} onCancel={onCancel} disabled={false} confirming={false} />);
    await userEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onCancel).toHaveBeenCalledTimes(1);
    rerender(<RejectionForm onConfirm={jest.fn()} onCancel={onCancel} disabled confirming />);
    expect(screen.getByRole("button", { name: /Confirm rejection/ })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Cancel" })).toBeDisabled();
  });
});
