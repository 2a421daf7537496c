import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import ChatMessage from "assistant/features/ChatMessage";
import { execution, message } from "assistant/helpers/testFixtures";

const QUERY = execution({ id: "exec-q", name: "query_database", success: true });

describe("an answer's query", () => {
  it("is marked when the answer ran a verified query, with who verified it", () => {
    render(
      <ChatMessage
        message={message({ text: "Kenema 300.", toolExecutions: [QUERY] })}
        verifiedQueries={[{ id: "v1", question: "Top districts?", verifiedBy: { email: "editor@example.org" } }]}
      />,
    );
    expect(screen.getByText("Verified query — verified by editor@example.org")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Mark the query as verified" })).toBeNull();
  });

  it("is verified or saved as an evaluation question in one click, and a refusal is shown", async () => {
    const calls: string[] = [];
    render(
      <ChatMessage
        message={message({ text: "Kenema 300.", toolExecutions: [QUERY] })}
        onVerify={async (id) => {
          calls.push(`verify ${id}`);
          return { ok: true, text: "Saved as a verified query." };
        }}
        onSaveAsEvaluation={async (id) => {
          calls.push(`save ${id}`);
          return { ok: false, text: "Only workspace editors and admins can verify queries, and admins save evaluation questions." };
        }}
      />,
    );
    await userEvent.click(screen.getByRole("button", { name: "Mark the query as verified" }));
    expect(await screen.findByRole("status")).toHaveTextContent("Saved as a verified query.");
    await userEvent.click(screen.getByRole("button", { name: "Save as an evaluation question" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("admins save evaluation questions");
    expect(calls).toEqual(["verify exec-q", "save exec-q"]);
  });

  it("offers nothing for an answer without a query", () => {
    render(<ChatMessage message={message({ text: "Hello." })} onVerify={async () => ({ ok: true, text: "" })} />);
    expect(screen.queryByRole("button", { name: "Mark the query as verified" })).toBeNull();
  });
});
