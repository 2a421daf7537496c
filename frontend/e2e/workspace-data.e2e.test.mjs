/**
 * DHIS2 and datasets in a real browser with the offline model: the confirmed cases per
 * district from the DHIS2 demo server (through the demo's `dhis2-demo` connection) and the
 * changes between the two versions of the demo dataset, shown as tables in the answer and in
 * the tool cards; axe-clean, and every control within the screen at 1440 and 360 px.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lastAnswer, login, newConversation, offScreenControls, send, shot, step, useStack, violations, waitForTurnEnd } from "./browser.mjs";

let browser;

async function openPage(width) {
  const context = await browser.newContext({ viewport: { width, height: 860 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  return page;
}

async function ask(page, text) {
  await send(page, text);
  await page.getByRole("article", { name: "Your message" }).filter({ hasText: text }).waitFor();
  await waitForTurnEnd(page);
}

/** Opens every closed tool card of `answer` (the last answer by default). */
async function openCards(page, answer = lastAnswer(page)) {
  const closed = answer.getByTestId("tool-execution").locator('button[aria-expanded="false"]', { hasText: /Listed|Queried/ });
  while ((await closed.count()) > 0) await closed.first().click();
}

useStack({ launch: { browser: true }, setUp: (session) => ({ browser } = session) });

describe("DHIS2 and datasets", { concurrency: false }, () => {
  let conversationUrl;

  test(
    "confirmed cases per district from DHIS2, and what changed between two dataset versions",
    { timeout: 240_000 },
    step("workspace-data-1440", async () => {
      const page = await openPage(1440);
      await login(page);
      await newConversation(page);
      conversationUrl = page.url();

      await ask(page, "What was the confirmed-cases total per district in DHIS2 for October 2024?");
      const table = lastAnswer(page).locator(".markdown table");
      await table.waitFor();
      assert.equal(await table.getByRole("row").count(), 17, "16 districts and the header");
      assert.match(await lastAnswer(page).textContent(), /Total: [\d,]+ over 16 districts/);
      await openCards(page);
      const cards = lastAnswer(page).getByTestId("tool-execution");
      assert.match(await cards.nth(0).textContent(), /dhis2-demo.*secret, not shown/s);
      assert.equal(await cards.nth(2).getByRole("table").getByRole("row").count(), 17);
      await cards.nth(2).getByRole("link", { name: "Download CSV" }).waitFor();
      assert.deepEqual(await violations(page, "dhis2-1440"), [], "a DHIS2 answer with its cards open");
      await shot(page, "workspace-data-dhis2");

      await ask(page, "Qu'est-ce qui a changé entre les deux dernières versions du jeu de données malaria-indicators ?");
      await openCards(page);
      const datasetCards = lastAnswer(page).getByTestId("tool-execution");
      await datasetCards.nth(0).getByRole("list", { name: "Versions of Malaria indicators" }).waitFor();
      assert.match(await datasetCards.nth(1).getByRole("table").textContent(), /2022-2024\s*576\s*192\s*0/);
      assert.deepEqual(await violations(page, "datasets-1440"), [], "a dataset comparison with its cards open");
      await shot(page, "workspace-data-datasets");
      await page.context().close();
    }),
  );

  test(
    "the same conversation at 360 px",
    { timeout: 120_000 },
    step("workspace-data-360", async () => {
      const page = await openPage(360);
      await login(page);
      await page.goto(conversationUrl);
      await lastAnswer(page).waitFor();
      const answers = page.getByRole("article", { name: "Assistant's answer" });
      await openCards(page, answers.filter({ hasText: "Total:" }));
      await openCards(page);
      await answers.filter({ hasText: "Total:" }).getByTestId("tool-execution").last().getByRole("table").waitFor();
      assert.deepEqual(await violations(page, "workspace-data-360"), [], "cards open at 360 px");
      assert.deepEqual(await offScreenControls(page), [], "every control within 360 px");
      await shot(page, "workspace-data-360");
      await page.context().close();
    }),
  );
});
