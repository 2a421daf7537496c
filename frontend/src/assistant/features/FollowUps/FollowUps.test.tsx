import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import ChatMessage from "assistant/features/ChatMessage";
import { message } from "assistant/helpers/testFixtures";

const QUESTIONS = ["Plot malaria cases per district over time", "Map cases per district"];

describe("follow-up questions", () => {
  it("are shown under the last answer and a click sends one", async () => {
    const asked: string[] = [];
    render(<ChatMessage message={message({ text: "Bo had 200 cases." })} followUps={QUESTIONS} onFollowUp={(q) => asked.push(q)} />);
    const nav = screen.getByRole("navigation", { name: "Follow-up questions" });
    expect(within(nav).getAllByRole("button").map((button) => button.textContent)).toEqual(QUESTIONS);
    await userEvent.click(within(nav).getByRole("button", { name: "Map cases per district" }));
    expect(asked).toEqual(["Map cases per district"]);
  });

  it("are not shown under an older answer, while it streams, or when there are none", () => {
    const { rerender } = render(<ChatMessage message={message({ text: "Done." })} followUps={QUESTIONS} />);
    expect(screen.queryByRole("navigation", { name: "Follow-up questions" })).toBeNull();
    rerender(<ChatMessage message={message({ text: "Done." })} followUps={QUESTIONS} streaming onFollowUp={() => undefined} />);
    expect(screen.queryByRole("navigation", { name: "Follow-up questions" })).toBeNull();
    rerender(<ChatMessage message={message({ text: "Done." })} followUps={[]} onFollowUp={() => undefined} />);
    expect(screen.queryByRole("navigation", { name: "Follow-up questions" })).toBeNull();
  });
});
