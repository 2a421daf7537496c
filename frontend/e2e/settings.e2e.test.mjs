/**
 * Workspace assistant settings in a real browser against the offline model: an admin saves
 * a question, members ask it in one click from a new conversation's start screen, the
 * small title model names the conversation, and the change is in the admin's history.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";
import { FRONTEND_DIR, startStack, webUrl } from "./stack.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const RESULTS = path.join(FRONTEND_DIR, "test-results");
const SLUG = "malaria-programme";
const QUESTION = "Which districts had the most malaria cases?";

let stack;
let context;
let page;
let userDataDir;

function step(name, body) {
  return async () => {
    try {
      await body();
    } catch (error) {
      fs.mkdirSync(RESULTS, { recursive: true });
      await page?.screenshot({ path: path.join(RESULTS, `failure-settings-${name}.png`) }).catch(() => undefined);
      throw error;
    }
  };
}

async function login(email) {
  await context.clearCookies();
  await page.goto(`${webUrl()}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("openhexa-demo");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(new RegExp(`/workspaces/${SLUG}/assistant$`));
}

before(
  async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    stack = await startStack();
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
      viewport: { width: 1280, height: 900 },
      timeout: 60_000,
    });
    context.setDefaultTimeout(30_000);
    page = context.pages()[0] ?? (await context.newPage());
    page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  },
  { timeout: 420_000 },
);

after(
  async () => {
    await context?.close().catch(() => undefined);
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    await stack?.stop();
  },
  { timeout: 120_000 },
);

describe("workspace assistant settings", { concurrency: false }, () => {
  test(
    "an admin saves a question and sees the change in the history",
    { timeout: 90_000 },
    step("admin", async () => {
      await login("demo@openhexa.org");
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
      assert.match(await history.innerText(), /demo@openhexa\.org/);
    }),
  );

  test(
    "a member asks the saved question in one click and the conversation gets a title",
    { timeout: 120_000 },
    step("ask", async () => {
      await login("viewer@openhexa.org");
      await page.getByRole("button", { name: "New conversation" }).click();
      await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
      const saved = page.getByRole("region", { name: "Saved questions" });
      await saved.getByRole("button", { name: /Top districts/ }).click();
      const answer = page.getByRole("article", { name: "Assistant's answer" }).last();
      await answer.getByText("offline demo model").first().waitFor({ timeout: 60_000 });
      await page.waitForFunction(() => !document.querySelector('[data-testid="chat-scroller"][aria-busy="true"]'), null, { timeout: 60_000 });
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
    step("member", async () => {
      await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant/settings`);
      await page.getByText("Only workspace admins can change these settings.").waitFor();
      assert.equal(await page.getByLabel("Instructions for the assistant").inputValue(), "Report weeks start on Monday.");
      assert.ok(await page.getByLabel("Instructions for the assistant").isDisabled());
      assert.equal(await page.getByRole("button", { name: "Save settings" }).count(), 0);
      assert.equal(await page.getByRole("region", { name: "Change history" }).count(), 0);
    }),
  );
});
