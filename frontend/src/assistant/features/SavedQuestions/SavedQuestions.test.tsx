import { ApolloClient, ApolloLink, ApolloProvider, Observable } from "@apollo/client";
import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createCache } from "core/helpers/apollo";
import SavedQuestions from "./SavedQuestions";

function renderWith(templates: { id: string; title: string; text: string }[], onAsk = jest.fn(), disabled = false) {
  const link = new ApolloLink(
    () =>
      new Observable((observer) => {
        observer.next({
          data: {
            workspace: {
              __typename: "Workspace",
              slug: "malaria",
              assistantSettings: {
                __typename: "AssistantSettings",
                promptTemplates: templates.map((template) => ({ __typename: "AssistantPromptTemplate", ...template })),
              },
            },
          },
        });
        observer.complete();
      }),
  );
  const client = new ApolloClient({ link, cache: createCache() });
  const view = render(
    <ApolloProvider client={client}>
      <SavedQuestions workspaceSlug="malaria" onAsk={onAsk} disabled={disabled} />
    </ApolloProvider>,
  );
  return { onAsk, ...view };
}

test("a saved question is asked in one click", async () => {
  const { onAsk } = renderWith([
    { id: "1", title: "Weekly cases", text: "How many confirmed cases per district last week?" },
    { id: "2", title: "Stock-outs", text: "Which facilities reported stock-outs?" },
  ]);
  const button = await screen.findByRole("button", { name: /Weekly cases/ });
  expect(screen.getByRole("region", { name: "Saved questions" })).toBeInTheDocument();
  await userEvent.click(button);
  expect(onAsk).toHaveBeenCalledWith("How many confirmed cases per district last week?");
  expect(onAsk).toHaveBeenCalledTimes(1);
});

test("nothing is shown without saved questions", async () => {
  const { container } = renderWith([]);
  await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
  expect(container).toBeEmptyDOMElement();
});

test("questions cannot be asked while a turn runs", async () => {
  const { onAsk } = renderWith([{ id: "1", title: "Weekly cases", text: "Q" }], jest.fn(), true);
  const button = await screen.findByRole("button", { name: /Weekly cases/ });
  expect(button).toBeDisabled();
  await userEvent.click(button);
  expect(onAsk).not.toHaveBeenCalled();
});
