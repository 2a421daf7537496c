/**
 * Turns that wait for the user, in a real browser against the offline model: a question
 * answered by a click or by typing, a page reloaded while the turn waits, and an approved
 * write after which the same turn goes on. `make test-e2e`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { chromium } from "playwright-core";
import { FRONTEND_DIR, bucketDir, startStack, webUrl } from "./stack.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const RESULTS = path.join(FRONTEND_DIR, "test-results");
const SLUG = "malaria-programme";

let stack;
let context;
let page;
let userDataDir;
let bucket;

async function shot(name) {
  fs.mkdirSync(RESULTS, { recursive: true });
  await page?.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: false }).catch(() => undefined);
}

/** Runs a test body; on failure keeps a screenshot of the page as it was. */
function step(name, body) {
  return async () => {
    try {
      await body();
    } catch (error) {
      await shot(`failure-${name.replace(/\W+/g, "-")}`);
      throw error;
    }
  };
}

const log = () => page.getByRole("region", { name: "Messages" });
const composer = () => page.getByLabel("Message the assistant");
const lastAnswer = () => page.getByRole("article", { name: "Assistant's answer" }).last();

async function send(text) {
  await composer().click();
  await composer().fill(text);
  await page.keyboard.press("Enter"); // the keyboard way: Enter sends
}

async function waitForTurnEnd(timeout = 60_000) {
  await page.waitForFunction(() => !document.querySelector('[data-testid="chat-scroller"][aria-busy="true"]'), null, { timeout });
  await page.getByRole("button", { name: "Stop the assistant" }).waitFor({ state: "detached", timeout });
}

async function newConversation() {
  await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant`);
  await page.getByRole("button", { name: "New conversation" }).click();
  await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
  await composer().waitFor();
  return page.url().split("/").pop();
}

async function graphql(query, variables = {}) {
  return page.evaluate(
    async ([q, v]) => {
      const response = await fetch("/graphql/", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ query: q, variables: v }),
      });
      return response.json();
    },
    [query, variables],
  );
}

before(
  async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    fs.mkdirSync(RESULTS, { recursive: true });
    for (const name of fs.readdirSync(RESULTS)) if (name.endsWith(".png")) fs.rmSync(path.join(RESULTS, name));
    stack = await startStack();
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
      viewport: { width: 1280, height: 900 },
      timeout: 60_000,
    });
    context.setDefaultTimeout(30_000);
    context.setDefaultNavigationTimeout(30_000);
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

async function login() {
  await page.goto(`${webUrl()}/login`);
  await page.getByLabel("Email").fill("demo@openhexa.org");
  await page.getByLabel("Password").fill("openhexa-demo");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(new RegExp(`/workspaces/${SLUG}/assistant$`));
  const result = await graphql(`query ($slug: String!) { workspace(slug: $slug) { bucket { name } } }`, { slug: SLUG });
  bucket = result.data.workspace.bucket.name;
}

const questionCard = () => page.getByRole("region", { name: "Question from the assistant" });

describe("turns that wait for the user", { concurrency: false }, () => {
  test(
    "a question answered by a click: the same turn goes on, also after a reload",
    { timeout: 180_000 },
    step("ask-click", async () => {
      await login();
      const id = await newConversation();
      await send("Chart the malaria cases over time");
      await questionCard().getByText("Per year or per month?").waitFor({ timeout: 60_000 });
      await waitForTurnEnd();
      assert.equal(await questionCard().getByRole("textbox").count(), 0, "only the choices: free text is not allowed");
      await page.getByText("Waiting for you: answer above, or write a new message.").waitFor();
      await shot("question-card");

      // a reload while the turn waits shows the question again
      await page.reload();
      await questionCard().getByRole("button", { name: "Per year" }).waitFor();
      const state = await graphql(
        `query ($id: UUID!) { assistantConversation(id: $id) { isRunning messages { items { role status awaiting { status } } } } }`,
        { id },
      );
      const waiting = state.data.assistantConversation.messages.items.at(-1);
      assert.equal(waiting.status, "WAITING");
      assert.deepEqual(waiting.awaiting, [{ status: "AWAITING_ANSWER" }]);
      assert.equal(state.data.assistantConversation.isRunning, false, "a waiting turn holds nothing");

      await questionCard().getByRole("button", { name: "Per year" }).click();
      // the same answer goes on: the query per year, its table, in the one assistant message
      const table = lastAnswer().locator(".markdown table");
      await table.waitFor({ timeout: 60_000 });
      await waitForTurnEnd();
      assert.match(await table.textContent(), /2022.*2023.*2024/s);
      await questionCard().getByText("Your answer: Per year").waitFor();
      assert.equal(await page.getByRole("article", { name: "Assistant's answer" }).count(), 1, "one turn, resumed");
      await shot("question-answered");
    }),
  );

  test(
    "a question answered by typing, from the keyboard",
    { timeout: 120_000 },
    step("ask-type", async () => {
      await newConversation();
      await send("Ask me what to look at");
      const field = questionCard().getByRole("textbox", { name: "Your answer" });
      await field.waitFor({ timeout: 60_000 });
      await waitForTurnEnd();
      await field.click();
      await field.fill("The database, please");
      await page.keyboard.press("Enter");
      await lastAnswer().getByText("The database, then.").waitFor({ timeout: 60_000 });
      await waitForTurnEnd();
      await lastAnswer().getByTestId("tool-execution").filter({ hasText: "Described tables" }).waitFor();
      await questionCard().getByText("Your answer: The database, please").waitFor();
    }),
  );

  test(
    "an approved write: the same turn goes on and says where the file is",
    { timeout: 120_000 },
    step("approve-resumes", async () => {
      const file = path.join(bucketDir(bucket), "reports", "e2e_summary.md");
      fs.rmSync(file, { force: true });
      await newConversation();
      await send("Write a summary to reports/e2e_summary.md then tell me where it is");
      const card = page.getByRole("region", { name: "Proposed write to reports/e2e_summary.md" });
      await card.waitFor({ timeout: 60_000 });
      await waitForTurnEnd();
      assert.equal(fs.existsSync(file), false, "nothing is written before approval");
      await card.getByRole("button", { name: "Approve writing reports/e2e_summary.md" }).click();
      await lastAnswer().getByText(/the file is saved at/).waitFor({ timeout: 60_000 });
      await waitForTurnEnd();
      assert.match(await lastAnswer().textContent(), /saved at reports\/e2e_summary\.md/);
      assert.ok(fs.existsSync(file), `${file} exists after approval`);
      assert.equal(await page.getByRole("article", { name: "Assistant's answer" }).count(), 1, "one turn, resumed");
      await shot("approval-resumed");
    }),
  );
});
