/**
 * The page's language in a real browser: a French browser gets the login page in French;
 * once logged in the user's own setting wins; the EN / FR switch changes the page and is
 * kept on the account (a reload keeps it). `make test-e2e`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SLUG, USER, step, useStack } from "./browser.mjs";
import { webUrl } from "./stack.mjs";

let page;

const htmlLang = () => page.evaluate(() => document.documentElement.lang);

/**
 * Clicks a language of the EN / FR switch (in `group`, named in the page's language) and waits
 * until the account has saved it: the page switches at once and saves after, so a reload
 * before the save would show the language before.
 */
async function switchTo(group, language) {
  const saved = page.waitForResponse((response) => response.url().includes("/graphql") && /updateUser/.test(response.request().postData() ?? ""));
  await page.getByRole("group", { name: group }).getByRole("button", { name: language }).click();
  assert.equal((await saved).ok(), true);
}

// a browser whose user reads French first
useStack({ launch: { locale: "fr-FR" }, logPageErrors: true, setUp: (session) => ({ page } = session) });


describe("the page's language", { concurrency: false }, () => {
  test(
    "a French browser gets the login page in French",
    { timeout: 60_000 },
    step("i18n-browser", async () => {
      assert.equal(await page.evaluate(() => navigator.languages[0]), "fr-FR");
      await page.goto(`${webUrl()}/login`);
      await page.getByRole("button", { name: "Se connecter" }).waitFor();
      assert.equal(await htmlLang(), "fr");
      await page.getByLabel("Adresse e-mail").fill(USER);
      await page.getByLabel("Mot de passe").fill("wrong-password");
      await page.getByRole("button", { name: "Se connecter" }).click();
      await page.getByRole("alert").filter({ hasText: "Adresse e-mail ou mot de passe incorrect." }).waitFor();
    }),
  );

  test(
    "once logged in, the user's setting (English) wins over the browser",
    { timeout: 60_000 },
    step("i18n-login", async () => {
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
    step("i18n-switch", async () => {
      await switchTo("Language", "Français");
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
    "a chart's caption is French too, its numbers and dates as French writes them",
    { timeout: 180_000 },
    step("i18n-chart", async () => {
      await page.getByLabel("Message à l’assistant").fill("Chart malaria cases per month");
      await page.keyboard.press("Enter");
      const figure = page.getByTestId("chart-figure").last();
      await figure.waitFor({ timeout: 90_000 });
      const caption = (await figure.locator("figcaption").innerText()).replace(/[\u00a0\u202f]/g, " ");
      console.log(`# the caption in French: ${caption}`);
      assert.match(caption, /Graphique en aires de Confirmed cases par Month, \d+ lignes\./);
      assert.match(caption, /period de 1 janv\. \d{4} à 1 [a-zéû.]+ \d{4}/);
      assert.match(caption, /cases de \d{1,3}( \d{3})* à \d{1,3}( \d{3})*/);
      assert.doesNotMatch(caption, /Area chart|rows|from|\d,\d{3}/);
    }),
  );

  test(
    "switching back to English is kept as well",
    { timeout: 60_000 },
    step("i18n-back", async () => {
      await switchTo("Langue", "English");
      await page.getByLabel("Message the assistant").waitFor();
      await page.reload();
      await page.getByLabel("Message the assistant").waitFor();
      assert.equal(await htmlLang(), "en");
    }),
  );
});
