/**
 * Data files as tables in a real browser (Debian's chromium, playwright-core) against an
 * isolated stack with the offline model: a query over the demo's CSV exports and a look at
 * the HMIS workbook, each shown as a table in the answer and in the tool card.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lastAnswer, login, newConversation, send, shot, step, useStack, waitForTurnEnd } from "./browser.mjs";

let page;

/** Sends `text` and waits until its turn has ended. */
async function ask(text) {
  await send(page, text);
  await page.getByRole("article", { name: "Your message" }).filter({ hasText: text }).waitFor();
  await waitForTurnEnd(page);
}

useStack({ setUp: (session) => ({ page } = session) });


describe("data files as tables", { concurrency: false }, () => {
  test(
    "a query over CSV exports and a workbook's sheet, shown as tables",
    { timeout: 180_000 },
    step("file-tables", async () => {
      await login(page);
      await newConversation(page);

      await ask("Total confirmed cases per district in data/raw/2024/*.csv");
      const answer = lastAnswer(page).locator(".markdown table");
      await answer.waitFor();
      assert.equal(await answer.getByRole("row").count(), 17, "16 districts and the header");
      await lastAnswer(page).getByRole("button", { name: /Queried files/ }).click();
      const card = lastAnswer(page).getByTestId("tool-execution");
      await card.locator("code.language-sql").waitFor();
      assert.equal(await card.getByRole("table").getByRole("row").count(), 17);

      await ask("What is in the HMIS workbook?");
      await lastAnswer(page).getByRole("button", { name: /Read a file/ }).click();
      const sheetCard = lastAnswer(page).getByTestId("tool-execution");
      assert.match(await sheetCard.getByLabel("sheets").textContent(), /Monthly · Facilities/);
      assert.ok((await sheetCard.getByRole("table").getByRole("row").count()) > 50);
      await shot(page, "file-tables");
    }),
  );
});
