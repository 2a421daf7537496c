/**
 * Data files as tables in a real browser (Debian's chromium, playwright-core) against an
 * isolated stack with the offline model: a query over the demo's CSV exports and a look at
 * the HMIS workbook, each shown as a table in the answer and in the tool card.
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

let stack;
let context;
let page;
let userDataDir;

const lastAnswer = () => page.getByRole("article", { name: "Assistant's answer" }).last();

async function ask(text) {
  const composer = page.getByLabel("Message the assistant");
  await composer.click();
  await composer.fill(text);
  await page.keyboard.press("Enter");
  await page.getByRole("article", { name: "Your message" }).filter({ hasText: text }).waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="chat-scroller"][aria-busy="true"]'), null, { timeout: 60_000 });
  await page.getByRole("button", { name: "Stop the assistant" }).waitFor({ state: "detached", timeout: 60_000 });
}

before(
  async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    fs.mkdirSync(RESULTS, { recursive: true });
    stack = await startStack();
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
      viewport: { width: 1280, height: 900 },
      timeout: 60_000,
    });
    context.setDefaultTimeout(30_000);
    page = context.pages()[0] ?? (await context.newPage());
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

describe("data files as tables", { concurrency: false }, () => {
  test("a query over CSV exports and a workbook's sheet, shown as tables", { timeout: 180_000 }, async () => {
    try {
      await page.goto(`${webUrl()}/login`);
      await page.getByLabel("Email").fill("demo@openhexa.org");
      await page.getByLabel("Password").fill("openhexa-demo");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL(new RegExp(`/workspaces/${SLUG}/assistant$`));
      await page.getByRole("button", { name: "New conversation" }).click();
      await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);

      await ask("Total confirmed cases per district in data/raw/2024/*.csv");
      const answer = lastAnswer().locator(".markdown table");
      await answer.waitFor();
      assert.equal(await answer.getByRole("row").count(), 17, "16 districts and the header");
      await lastAnswer().getByRole("button", { name: /Queried files/ }).click();
      const card = lastAnswer().getByTestId("tool-execution");
      await card.locator("code.language-sql").waitFor();
      assert.equal(await card.getByRole("table").getByRole("row").count(), 17);

      await ask("What is in the HMIS workbook?");
      await lastAnswer().getByRole("button", { name: /Read a file/ }).click();
      const sheetCard = lastAnswer().getByTestId("tool-execution");
      assert.match(await sheetCard.getByLabel("sheets").textContent(), /Monthly · Facilities/);
      assert.ok((await sheetCard.getByRole("table").getByRole("row").count()) > 50);
      await page.screenshot({ path: path.join(RESULTS, "file-tables.png") });
    } catch (error) {
      await page?.screenshot({ path: path.join(RESULTS, "failure-file-tables.png") }).catch(() => undefined);
      throw error;
    }
  });
});
