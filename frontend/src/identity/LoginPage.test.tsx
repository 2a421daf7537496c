import { ApolloClient, ApolloLink, ApolloProvider, Observable } from "@apollo/client";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createCache } from "core/helpers/apollo";
import LoginPage from "pages/login";

const replace = jest.fn();
jest.mock("next/router", () => ({ useRouter: () => ({ query: {}, replace }) }));
jest.mock("next/head", () => ({ __esModule: true, default: () => null }));

function setup(login: Record<string, any>) {
  const sent: Record<string, any>[] = [];
  const link = new ApolloLink(
    (operation) =>
      new Observable((observer) => {
        sent.push(operation.variables);
        observer.next({ data: { login: { __typename: "LoginResult", me: null, retryAfter: null, ...login } } });
        observer.complete();
      }),
  );
  render(
    <ApolloProvider client={new ApolloClient({ link, cache: createCache() })}>
      <LoginPage />
    </ApolloProvider>,
  );
  return sent;
}

async function submit() {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("Email"), "ada@example.org");
  await user.type(screen.getByLabelText("Password"), "guess");
  await user.click(screen.getByRole("button", { name: "Log in" }));
}

describe("LoginPage", () => {
  it("shows how long to wait when logins are throttled", async () => {
    const sent = setup({ success: false, errors: ["TOO_MANY_ATTEMPTS"], retryAfter: 840 });
    await submit();
    expect(await screen.findByRole("alert")).toHaveTextContent("Too many failed attempts. Try again in 14 minutes.");
    expect(sent).toEqual([{ input: { email: "ada@example.org", password: "guess" } }]);
    expect(replace).not.toHaveBeenCalled();
  });

  it("says wrong email or password otherwise", async () => {
    setup({ success: false, errors: ["INVALID_CREDENTIALS"] });
    await submit();
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong email or password.");
  });
});
