import { MockedProvider } from "@apollo/client/testing";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { setLanguage } from "core/helpers/i18n";
import StartScreen from "./StartScreen";
import { AssistantStartScreenDocument } from "./StartScreen.generated";

function mock(myRole: "VIEWER" | "EDITOR") {
  return {
    request: { query: AssistantStartScreenDocument, variables: { slug: "malaria" } },
    result: {
      data: {
        workspace: {
          __typename: "Workspace",
          slug: "malaria",
          myRole,
          assistantStartScreen: {
            __typename: "AssistantStartScreen",
            tables: [
              { __typename: "AssistantReachableTable", name: "districts", kind: "table" },
              { __typename: "AssistantReachableTable", name: "malaria_cases", kind: "table" },
            ],
            tableCount: 5,
            entries: [{ __typename: "AssistantReachableEntry", name: "data", isDirectory: true }],
            entryCount: 1,
            examples: ["What is in the districts table?", "Summarise data/hmis_2024.xlsx"],
            exampleQuestions: [
              { __typename: "AssistantExampleQuestion", kind: "TABLE_CONTENTS", subject: "districts", text: "What is in the districts table?" },
              { __typename: "AssistantExampleQuestion", kind: "SUMMARISE_FILE", subject: "data/hmis_2024.xlsx", text: "Summarise data/hmis_2024.xlsx" },
            ],
          },
        },
      },
    },
  };
}

describe("StartScreen", () => {
  it("asks an example question in one click and shows what the assistant can reach", async () => {
    const onAsk = jest.fn();
    render(
      <MockedProvider mocks={[mock("EDITOR")]}>
        <StartScreen workspaceSlug="malaria" onAsk={onAsk} />
      </MockedProvider>,
    );
    await userEvent.click(await screen.findByRole("button", { name: "Summarise data/hmis_2024.xlsx" }));
    expect(onAsk).toHaveBeenCalledWith("Summarise data/hmis_2024.xlsx");
    const reach = screen.getByRole("region", { name: "What the assistant can reach" });
    expect(reach).toHaveTextContent("districts");
    expect(reach).toHaveTextContent("and 3 more");
    expect(reach).toHaveTextContent("data/");
    expect(reach).not.toHaveTextContent("As a viewer");
  });

  it("writes the example questions in the reader's language", async () => {
    await setLanguage("fr");
    try {
      const onAsk = jest.fn();
      render(
        <MockedProvider mocks={[mock("EDITOR")]}>
          <StartScreen workspaceSlug="malaria" onAsk={onAsk} />
        </MockedProvider>,
      );
      await userEvent.click(await screen.findByRole("button", { name: "Qu’y a-t-il dans la table districts ?" }));
      expect(onAsk).toHaveBeenCalledWith("Qu’y a-t-il dans la table districts ?");
      expect(screen.getByRole("button", { name: "Résume data/hmis_2024.xlsx" })).toBeInTheDocument();
    } finally {
      await setLanguage("en");
    }
  });

  it("tells a viewer, before anything fails, that the assistant cannot write for them", async () => {
    render(
      <MockedProvider mocks={[mock("VIEWER")]}>
        <StartScreen workspaceSlug="malaria" onAsk={jest.fn()} />
      </MockedProvider>,
    );
    expect(await screen.findByText(/the assistant cannot write files for you/)).toBeInTheDocument();
  });
});
