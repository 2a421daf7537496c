/** The page in French: words, numbers, money and dates, and back to English. */
import { ApolloClient, ApolloLink, ApolloProvider, Observable } from "@apollo/client";
import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import ChatMessage from "assistant/features/ChatMessage";
import ConversationList from "assistant/features/ConversationList";
import MessageComposer from "assistant/features/MessageComposer";
import { describeError } from "assistant/helpers/errors";
import { message } from "assistant/helpers/testFixtures";
import { createCache } from "core/helpers/apollo";
import { i18n, setLanguage } from "core/helpers/i18n";
import LanguageSwitch from "identity/features/LanguageSwitch";
import { describeLoginError } from "identity/helpers/loginErrors";

/** French numbers hold no-break spaces (which ones depends on the version of ICU). */
const plain = (text: string | null) => (text ?? "").replace(/[\u00a0\u202f]/g, " ");

const conversation = {
  __typename: "AssistantConversation" as const,
  id: "c1",
  title: "Cas de paludisme",
  cost: "1234.5",
  inputTokens: 1_000_000,
  outputTokens: 234_567,
  cacheCreationInputTokens: 0,
  cacheReadInputTokens: 0,
  isRunning: true,
  createdAt: "2026-12-01T09:00:00Z",
  updatedAt: "2026-12-01T09:30:00Z",
};

afterEach(() => act(() => setLanguage("en")));

describe("the page in French", () => {
  beforeEach(() => act(() => setLanguage("fr")));

  it("lists conversations with French words, numbers, money and dates", () => {
    render(<ConversationList workspaceSlug="ws" conversations={[conversation]} onRename={jest.fn()} onDelete={jest.fn()} />);
    const headers = screen.getAllByRole("columnheader").map((header) => header.textContent);
    expect(headers).toEqual(["Conversation", "Dernière activité", "Jetons", "Coût", "Actions"]);
    const cells = within(screen.getAllByRole("row")[1]).getAllByRole("cell").map((cell) => plain(cell.textContent));
    expect(cells[0]).toContain("En cours");
    expect(cells[1]).toMatch(/^1 déc\. 2026, \d{2}:\d{2}$/);
    expect(cells[2]).toBe("1 234 567");
    expect(cells[3]).toBe("1 234,50 $US");
    expect(screen.getByRole("button", { name: "Renommer Cas de paludisme" })).toHaveTextContent("Renommer");
  });

  it("asks for a message in French", async () => {
    const onSend = jest.fn();
    render(<MessageComposer onSend={onSend} />);
    const box = screen.getByLabelText("Message à l’assistant");
    expect(box).toHaveAttribute("placeholder", "Posez une question sur les données et les fichiers de cet espace de travail…");
    expect(screen.getByText("Entrée pour envoyer, Maj+Entrée pour aller à la ligne.")).toBeInTheDocument();
    await userEvent.type(box, "Quels districts ?{Enter}");
    expect(onSend).toHaveBeenCalledWith("Quels districts ?");
  });

  it("shows an answer's usage in French", () => {
    render(<ChatMessage message={message({ text: "Fait.", inputTokens: 1200, outputTokens: 80, cost: "0.004" })} />);
    const usage = screen.getByLabelText("Consommation de cette réponse");
    expect(plain(usage.textContent)).toContain("1 200 jetons en entrée · 80 en sortie");
    expect(plain(usage.textContent)).toContain("0,0040 $US");
  });

  it("explains errors in French, in the language of the moment they are shown", async () => {
    expect(describeError("RATE_LIMITED").text).toBe("Trop de messages en peu de temps. Patientez un instant et réessayez.");
    expect(describeError("SOMETHING_NEW").text).toBe("L’assistant a échoué (SOMETHING_NEW).");
    expect(describeLoginError(["TOO_MANY_ATTEMPTS"], 61)).toBe("Trop de tentatives échouées. Réessayez dans 2 minutes.");
    expect(describeLoginError(["TOO_MANY_ATTEMPTS"], 1)).toBe("Trop de tentatives échouées. Réessayez dans 1 seconde.");
    await act(() => setLanguage("en"));
    expect(describeError("RATE_LIMITED").text).toBe("Too many messages in a short time. Wait a moment and retry.");
  });

  it("renders again in English when the language changes", async () => {
    render(<MessageComposer onSend={jest.fn()} />);
    expect(screen.getByRole("button", { name: "Envoyer le message" })).toBeInTheDocument();
    await act(() => setLanguage("en"));
    expect(screen.getByRole("button", { name: "Send message" })).toBeInTheDocument();
  });
});

describe("LanguageSwitch", () => {
  function setup(result: Record<string, unknown> | Error) {
    const sent: Record<string, unknown>[] = [];
    const link = new ApolloLink(
      (operation) =>
        new Observable((observer) => {
          sent.push(operation.variables);
          if (result instanceof Error) observer.error(result);
          else {
            observer.next({ data: { updateUser: { __typename: "UpdateUserResult", ...result } } });
            observer.complete();
          }
        }),
    );
    render(
      <ApolloProvider client={new ApolloClient({ link, cache: createCache() })}>
        <LanguageSwitch />
        <MessageComposer onSend={jest.fn()} />
      </ApolloProvider>,
    );
    return sent;
  }

  it("switches the page to French and saves it on the user", async () => {
    const sent = setup({ success: true, errors: [], user: { __typename: "User", id: "u1", language: "fr" } });
    expect(screen.getByRole("group", { name: "Language" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "English" })).toHaveAttribute("aria-pressed", "true");
    await userEvent.click(screen.getByRole("button", { name: "Français" }));
    expect(await screen.findByRole("button", { name: "Envoyer le message" })).toBeInTheDocument();
    expect(screen.getByRole("group", { name: "Langue" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Français" })).toHaveAttribute("aria-pressed", "true");
    expect(sent).toEqual([{ language: "fr" }]);
    expect(i18n.resolvedLanguage).toBe("fr");
    expect(document.documentElement.lang).toBe("fr");
  });

  it.each([
    ["an error", { success: false, errors: ["INVALID_LANGUAGE"], user: null }],
    ["no answer", new Error("network down")],
  ])("goes back to the language it had when the server gives %s", async (_, result) => {
    setup(result);
    await userEvent.click(screen.getByRole("button", { name: "Français" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Your language could not be saved.");
    expect(screen.getByRole("button", { name: "Send message" })).toBeInTheDocument();
    expect(i18n.resolvedLanguage).toBe("en");
  });
});
