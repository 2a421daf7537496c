import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describeResolveError } from "assistant/helpers/errors";
import { execution } from "assistant/helpers/testFixtures";
import ToolExecutionCard from "assistant/features/ToolExecutionCard";
import ApprovalCard from "./ApprovalCard";

const DIFF = "--- a/notes/todo.md\n+++ b/notes/todo.md\n@@ -1,2 +1,2 @@\n # Todo\n-old line\n+new line\n";

function pending(overrides = {}) {
  return execution({
    id: "w-1",
    name: "write_file",
    input: { path: "notes/todo.md", content: "# Todo\nnew line\n" },
    status: "PENDING_APPROVAL",
    success: null,
    proposal: {
      __typename: "AssistantWriteProposal",
      path: "notes/todo.md",
      action: "OVERWRITE",
      size: 16,
      diff: DIFF,
      rejectionReason: null,
      resolvedAt: null,
    },
    ...overrides,
  });
}

describe("ApprovalCard", () => {
  it("shows the path, the action and the diff with +/- lines coloured", () => {
    render(<ApprovalCard execution={pending()} onApprove={jest.fn()} onReject={jest.fn()} />);
    expect(screen.getByRole("region", { name: "Proposed write to notes/todo.md" })).toBeInTheDocument();
    expect(screen.getByText("Overwrites the file")).toBeInTheDocument();
    expect(screen.getByText("notes/todo.md")).toBeInTheDocument();
    expect(screen.getByText("+new line")).toHaveClass("bg-green-50");
    expect(screen.getByText("+new line")).toHaveAttribute("data-diff", "added");
    expect(screen.getByText("-old line")).toHaveClass("bg-red-50");
    expect(screen.getByText("-old line")).toHaveAttribute("data-diff", "removed");
    expect(screen.getByText("+++ b/notes/todo.md")).toHaveAttribute("data-diff", "header");
    expect(screen.getByText("@@ -1,2 +1,2 @@")).toHaveAttribute("data-diff", "hunk");
    expect(screen.getByText("# Todo")).toHaveAttribute("data-diff", "context");
  });

  it("calls onApprove with the execution id", async () => {
    const onApprove = jest.fn().mockResolvedValue({ success: true, errors: [] });
    render(<ApprovalCard execution={pending()} onApprove={onApprove} onReject={jest.fn()} />);
    await userEvent.click(screen.getByRole("button", { name: "Approve writing notes/todo.md" }));
    expect(onApprove).toHaveBeenCalledWith("w-1");
  });

  it("asks for an optional reason, then calls onReject with it", async () => {
    const onReject = jest.fn().mockResolvedValue({ success: true, errors: [] });
    render(<ApprovalCard execution={pending()} onApprove={jest.fn()} onReject={onReject} />);
    await userEvent.click(screen.getByRole("button", { name: "Reject writing notes/todo.md" }));
    const reason = screen.getByLabelText(/Reason/);
    expect(reason).toHaveFocus();
    await userEvent.type(reason, "Not in this folder");
    await userEvent.click(screen.getByRole("button", { name: "Confirm rejection" }));
    expect(onReject).toHaveBeenCalledWith("w-1", "Not in this folder");
  });

  it("shows why an approval failed, in words", async () => {
    const onApprove = jest.fn().mockResolvedValue({ success: false, errors: ["FILE_CHANGED"] });
    render(
      <ApprovalCard execution={pending()} onApprove={onApprove} onReject={jest.fn()} describeError={describeResolveError} />,
    );
    await userEvent.click(screen.getByRole("button", { name: /Approve/ }));
    expect(await screen.findByRole("alert")).toHaveTextContent("The file changed since the write was proposed");
  });

  it("shows a resolved write without buttons", () => {
    render(
      <ApprovalCard
        execution={pending({
          status: "REJECTED",
          proposal: { ...pending().proposal!, rejectionReason: "Wrong file" },
        })}
        onApprove={jest.fn()}
        onReject={jest.fn()}
      />,
    );
    expect(screen.getByText("Rejected — nothing written")).toBeInTheDocument();
    expect(screen.getByText("Reason: Wrong file")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Approve/ })).not.toBeInTheDocument();
  });

  it("is what a write_file tool card shows", () => {
    render(<ToolExecutionCard execution={pending({ proposal: { ...pending().proposal!, action: "CREATE" } })} onApprove={jest.fn()} onReject={jest.fn()} />);
    expect(screen.getByText("New file")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: /Approve/ })).toBeInTheDocument();
  });

  it("shows a write left undecided when the turn stopped waiting", () => {
    render(<ApprovalCard execution={pending({ status: "UNANSWERED" })} onApprove={jest.fn()} onReject={jest.fn()} />);
    expect(screen.getByText("Not decided — nothing written")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Approve/ })).not.toBeInTheDocument();
  });
});
