/**
 * The page's language in a real browser: a French browser gets the login page in French;
 * once logged in the user's own setting wins; the EN / FR switch changes the page and is
 * kept on the account (a reload keeps it); the page's notes (a chart's caption, a search's
 * "more matches") in each language. `make test-e2e`.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SLUG, USER, step, useStack } from "./browser.mjs";
import { manage, webUrl } from "./stack.mjs";

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

// More conversations of this file's user that match a search than a search lists (SEARCH_LIMIT:
// 500), written in one statement each; and their removal, so the files after see none.
const PROBE = "Lassa probe";
const SEED_PROBES = `
from hexa.assistant.models import Conversation, Message
from hexa.assistant.search import SEARCH_LIMIT
from hexa.user_management.models import User
from hexa.workspaces.models import Workspace
user, workspace = User.objects.get(email="${USER}"), Workspace.objects.get(slug="${SLUG}")
made = Conversation.objects.bulk_create(
    Conversation(user=user, workspace=workspace, model="m", title=f"${PROBE} {n}") for n in range(SEARCH_LIMIT + 1)
)
Message.objects.bulk_create(Message(conversation=c, index=0, role="user", text=c.title, status="COMPLETE") for c in made)
`;
const REMOVE_PROBES = `
from hexa.assistant.models import Conversation
Conversation.objects.filter(title__startswith="${PROBE} ").delete()
`;

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

  test(
    "a search that matches more conversations than it lists says so, in each language",
    { timeout: 120_000 },
    step("i18n-more-matches", async () => {
      manage("shell", "-c", SEED_PROBES);
      try {
        await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant`);
        await page.getByLabel("Search conversations").fill(PROBE);
        const note = page.getByTestId("more-matches");
        await note.waitFor({ timeout: 30_000 });
        assert.equal(await note.innerText(), "Only the 500 most recently active matching conversations are listed: add words to narrow the search.");
        await page.getByRole("group", { name: "Language" }).getByRole("button", { name: "Français" }).click();
        await page
          .getByText("Seules les 500 conversations correspondantes les plus récemment actives sont affichées : ajoutez des mots pour affiner la recherche.")
          .waitFor();
        await page.getByRole("group", { name: "Langue" }).getByRole("button", { name: "English" }).click();
        await page.getByRole("button", { name: "New conversation" }).waitFor();
      } finally {
        manage("shell", "-c", REMOVE_PROBES);
      }
    }),
  );
});
