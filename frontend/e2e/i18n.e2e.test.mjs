/**
 * The page's language in a real browser: a French browser gets the login page in French;
 * once logged in the user's own setting wins; the EN / FR switch changes the page and is
 * kept on the account (a reload keeps it). `make test-e2e`.
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

function step(name, body) {
  return async () => {
    try {
      await body();
    } catch (error) {
      fs.mkdirSync(RESULTS, { recursive: true });
      await page?.screenshot({ path: path.join(RESULTS, `failure-i18n-${name}.png`) }).catch(() => undefined);
      throw error;
    }
  };
}

const htmlLang = () => page.evaluate(() => document.documentElement.lang);

before(
  async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    stack = await startStack();
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      // A browser whose user reads French first.
      locale: "fr-FR",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--lang=fr-FR"],
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

describe("the page's language", { concurrency: false }, () => {
  test(
    "a French browser gets the login page in French",
    { timeout: 60_000 },
    step("browser", async () => {
      assert.equal(await page.evaluate(() => navigator.languages[0]), "fr-FR");
      await page.goto(`${webUrl()}/login`);
      await page.getByRole("button", { name: "Se connecter" }).waitFor();
      assert.equal(await htmlLang(), "fr");
      await page.getByLabel("Adresse e-mail").fill("demo@openhexa.org");
      await page.getByLabel("Mot de passe").fill("wrong-password");
      await page.getByRole("button", { name: "Se connecter" }).click();
      await page.getByRole("alert").filter({ hasText: "Adresse e-mail ou mot de passe incorrect." }).waitFor();
    }),
  );

  test(
    "once logged in, the user's setting (English) wins over the browser",
    { timeout: 60_000 },
    step("login", async () => {
      await page.getByLabel("Mot de passe").fill("openhexa-demo");
      await page.getByRole("button", { name: "Se connecter" }).click();
      await page.waitForURL(new RegExp(`/workspaces/${SLUG}/assistant$`));
      await page.getByRole("button", { name: "New conversation" }).waitFor();
      assert.equal(await htmlLang(), "en");
      assert.equal(await page.getByRole("button", { name: "English" }).getAttribute("aria-pressed"), "true");
    }),
  );

  test(
    "switching to French changes the page, numbers included, and a reload keeps it",
    { timeout: 90_000 },
    step("switch", async () => {
      await page.getByRole("group", { name: "Language" }).getByRole("button", { name: "Français" }).click();
      await page.getByRole("button", { name: "Nouvelle conversation" }).waitFor();
      await page.getByRole("link", { name: "Aller au contenu" }).waitFor({ state: "attached" });
      assert.equal(await htmlLang(), "fr");

      await page.reload();
      await page.getByRole("button", { name: "Nouvelle conversation" }).waitFor();
      assert.equal(await htmlLang(), "fr");
      assert.equal(await page.getByRole("button", { name: "Français" }).getAttribute("aria-pressed"), "true");

      // A conversation's page: the composer speaks French too.
      await page.getByRole("button", { name: "Nouvelle conversation" }).click();
      await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
      await page.getByLabel("Message à l’assistant").waitFor();
      assert.match(await page.getByLabel("Total de la conversation").innerText(), /^0 jeton · 0,00\s\$US$/);
    }),
  );

  test(
    "switching back to English is kept as well",
    { timeout: 60_000 },
    step("back", async () => {
      await page.getByRole("group", { name: "Langue" }).getByRole("button", { name: "English" }).click();
      await page.getByLabel("Message the assistant").waitFor();
      await page.reload();
      await page.getByLabel("Message the assistant").waitFor();
      assert.equal(await htmlLang(), "en");
    }),
  );
});
