/**
 * Workspace assistant settings in a real browser against the offline model: an admin saves
 * a question, members ask it in one click from a new conversation's start screen, the
 * small title model names the conversation, and the change is in the admin's history.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { QUESTION, SLUG, USER, VIEWER, login, step, useStack, waitForTurnEnd } from "./browser.mjs";
import { webUrl } from "./stack.mjs";

let context;
let page;

/** Logs in as `email`, out of any earlier session. */
async function loginAs(email) {
  await context.clearCookies();
  await login(page, email);
}

useStack({ logPageErrors: true, setUp: (session) => ({ page, context } = session) });


describe("workspace assistant settings", { concurrency: false }, () => {
  test(
    "an admin saves a question and sees the change in the history",
    { timeout: 90_000 },
    step("settings-admin", async () => {
      await loginAs(USER);
      await page.getByRole("link", { name: "Settings" }).click();
      await page.waitForURL(new RegExp(`/workspaces/${SLUG}/assistant/settings$`));
      await page.getByRole("heading", { name: "Assistant settings" }).waitFor();
      const instructions = page.getByLabel("Instructions for the assistant");
      await instructions.fill("Report weeks start on Monday.");
      await page.getByText("29 / 10,000 characters").waitFor();
      await page.getByRole("button", { name: "Save settings" }).click();
      await page.getByText("Settings saved.").waitFor();

      const form = page.getByRole("form", { name: "New saved question" });
      await form.getByLabel("Question title").fill("Top districts");
      await form.getByLabel("Question text").fill(QUESTION);
      await form.getByRole("button", { name: "Add question" }).click();
      const history = page.getByRole("region", { name: "Change history" });
      await history.getByText("Saved question added: Top districts").waitFor();
      await history.getByText("Instructions changed").waitFor();
      assert.ok((await history.innerText()).includes(USER), "the change is signed by its author");
    }),
  );

  test(
    "a member asks the saved question in one click and the conversation gets a title",
    { timeout: 120_000 },
    step("settings-ask", async () => {
      await loginAs(VIEWER);
      await page.getByRole("button", { name: "New conversation" }).click();
      await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
      const saved = page.getByRole("region", { name: "Saved questions" });
      await saved.getByRole("button", { name: /Top districts/ }).click();
      const answer = page.getByRole("article", { name: "Assistant's answer" }).last();
      await answer.getByText("offline demo model").first().waitFor({ timeout: 60_000 });
      await waitForTurnEnd(page);
      // the question was sent as the user's message, and the start screen is gone
      await page.getByRole("region", { name: "Messages" }).getByText(QUESTION).first().waitFor();
      assert.equal(await saved.count(), 0);
      // the offline title model names the conversation after the first answer
      await page.waitForFunction(
        async () => {
          const response = await fetch("/graphql/", {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ query: `{ workspace(slug: "malaria-programme") { assistantConversations { items { title } } } }` }),
          });
          const items = (await response.json()).data.workspace.assistantConversations.items;
          return items[0]?.title === "Which districts had the most malaria";
        },
        null,
        { timeout: 30_000, polling: 500 },
      );
      await page.reload();
      await page.getByRole("heading", { name: "Which districts had the most malaria" }).waitFor();
    }),
  );

  test(
    "a member reads the settings but cannot change them",
    { timeout: 60_000 },
    step("settings-member", async () => {
      await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant/settings`);
      await page.getByText("Only workspace admins can change these settings.").waitFor();
      assert.equal(await page.getByLabel("Instructions for the assistant").inputValue(), "Report weeks start on Monday.");
      assert.ok(await page.getByLabel("Instructions for the assistant").isDisabled());
      assert.equal(await page.getByRole("button", { name: "Save settings" }).count(), 0);
      assert.equal(await page.getByRole("region", { name: "Change history" }).count(), 0);
    }),
  );
});
