/**
 * Other AI clients in a real browser (`make test-e2e`): the Connected clients page creates a
 * personal token (shown once, with the clients' configuration) and revokes it; the OAuth
 * consent page of a registered client leads, on Allow, to the client's redirect URI with a
 * code (the page's Content-Security-Policy lets its form go there).
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { describe, test } from "node:test";
import { SLUG, login, step, useStack } from "./browser.mjs";
import { backendUrl, webUrl } from "./stack.mjs";

let page;
const violations = [];

useStack({
  async setUp(session) {
    ({ page } = session);
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await login(page);
  },
});

describe("MCP clients", { concurrency: false }, () => {
  test(
    "a personal token is created, shown once with the configuration, and revoked",
    { timeout: 120_000 },
    step("mcp-personal-token", async () => {
      await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant`);
      await page.getByRole("link", { name: "Connected clients" }).click();
      await page.getByRole("heading", { name: "New personal token" }).waitFor();
      await page.getByLabel("Name").fill("Claude Desktop (e2e)");
      assert.equal(await page.getByLabel("query_database").isChecked(), true);
      await page.getByRole("button", { name: "Create token" }).click();
      const shown = page.getByRole("status");
      await shown.getByText("Your token. Copy it now: it is shown only once.").waitFor();
      const text = await shown.innerText();
      const token = text.match(/hxa_[\w-]+/)[0];
      assert.ok(text.includes(`claude mcp add --transport http openhexa ${backendUrl()}/assistant/mcp/ --header "Authorization: Bearer ${token}"`), text);
      // the token works on the MCP server, until revoked
      const call = () =>
        fetch(`${backendUrl()}/assistant/mcp/`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Accept: "application/json, text/event-stream" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
        });
      assert.equal((await call()).status, 200);
      await page.getByRole("button", { name: "Done" }).click();
      const row = page.getByRole("listitem").filter({ hasText: "Claude Desktop (e2e)" });
      page.once("dialog", (dialog) => dialog.accept());
      await row.getByRole("button", { name: "Revoke" }).click();
      await row.getByText(/^Revoked /).waitFor();
      assert.equal((await call()).status, 401);
    }),
  );

  test(
    "the consent page sends the user back to the client with a code",
    { timeout: 120_000 },
    step("mcp-consent", async () => {
      const redirectUri = "http://127.0.0.1:33419/callback";
      const registered = await (
        await fetch(`${backendUrl()}/oauth/register/`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ client_name: "E2E client", redirect_uris: [redirectUri], token_endpoint_auth_method: "none" }),
        })
      ).json();
      const verifier = crypto.randomBytes(32).toString("base64url");
      const challenge = crypto.createHash("sha256").update(verifier).digest("base64url");
      const params = new URLSearchParams({
        response_type: "code", client_id: registered.client_id, redirect_uri: redirectUri, scope: "mcp", state: "xyz",
        code_challenge: challenge, code_challenge_method: "S256", resource: `${backendUrl()}/assistant/mcp/`,
      });
      let callback = null;
      await page.route(`${redirectUri}**`, (route) => {
        callback = route.request().url();
        return route.fulfill({ status: 200, contentType: "text/plain", body: "back in the client" });
      });
      await page.goto(`${backendUrl()}/oauth/authorize/?${params}`);
      await page.getByText("E2E client asks to use OpenHEXA tools on your behalf.").waitFor();
      await page.getByRole("checkbox", { name: /malaria programme/i }).check();
      await page.getByRole("button", { name: "Allow" }).click();
      await page.getByText("back in the client").waitFor();
      const query = new URL(callback).searchParams;
      assert.equal(query.get("state"), "xyz");
      assert.ok(query.get("code"));
      const tokens = await (
        await fetch(`${backendUrl()}/oauth/token/`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({
            grant_type: "authorization_code", code: query.get("code"), redirect_uri: redirectUri,
            client_id: registered.client_id, code_verifier: verifier,
          }),
        })
      ).json();
      assert.ok(tokens.access_token && tokens.refresh_token, JSON.stringify(tokens));
      assert.deepEqual(violations, []);
    }),
  );
});
