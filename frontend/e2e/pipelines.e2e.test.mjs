/**
 * The refresh-and-chart flow in a real browser, at a desktop's and a phone's width, against
 * the offline model, the DHIS2 demo server and a pipelines worker: the assistant proposes the
 * demo's extract with its parameters, the user approves it, the card follows the run while
 * the turn waits, and the same answer goes on to chart the table the run wrote. Each state is
 * checked with axe-core, and every control stays within the screen.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lastAnswer, login, send, shot, step, useStack, violations as axeViolations, waitForTurnEnd } from "./browser.mjs";

const FLOWS = [
  [1440, "Refresh the DHIS2 extract for 2024-11, then chart confirmed cases by district."],
  [390, "Actualise l'extraction DHIS2 pour 2024-11, puis fais un graphique des cas confirmés par district."],
];

let browser;

useStack({ launch: { browser: true }, setUp: (session) => ({ browser } = session) });

async function openPage(width) {
  const context = await browser.newContext({ viewport: { width, height: 860 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  return page;
}

const violations = (page, state) => axeViolations(page, `pipelines-${state}`);

async function offScreenControls(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("main button, main a, main textarea, main table")]
      .filter((element) => element.offsetParent !== null)
      .map((element) => ({ element, box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.left < -1 || box.right > window.innerWidth + 1))
      .map(({ element }) => element.getAttribute("aria-label") || element.textContent.trim().slice(0, 40)),
  );
}

describe("a pipeline run proposed, approved, waited for, then charted", { concurrency: false }, () => {
  for (const [width, question] of FLOWS) {
    test(`at ${width} px`, { timeout: 300_000 }, step(`pipelines-${width}`, async () => {
      const page = await openPage(width);
      await login(page);
      await page.getByRole("button", { name: "New conversation" }).first().click();
      await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
      await send(page, question);

      const card = page.getByTestId("pipeline-card").last();
      const approve = card.getByRole("button", { name: "Approve the run" });
      await approve.waitFor({ timeout: 90_000 });
      await waitForTurnEnd(page);
      const parameters = card.getByRole("table");
      assert.match(await parameters.textContent(), /dhis2-demo/);
      assert.match(await parameters.textContent(), /202411/);
      assert.match(await card.textContent(), /dhis2-monthly-extract/);
      assert.deepEqual(await violations(page, `${width}-approval`), [], "the run to approve");
      assert.deepEqual(await offScreenControls(page), [], "every control within the screen's width");
      await shot(page, `pipelines-${width}-approval`);

      await approve.click();
      // the card follows the run while the turn waits: its status, then the answer goes on
      await card.getByTestId("pipeline-run").waitFor({ timeout: 60_000 });
      if (await card.getByText("Waiting for the run").isVisible()) {
        assert.deepEqual(await violations(page, `${width}-waiting`), [], "the run followed while the turn waits");
        await shot(page, `pipelines-${width}-waiting`);
      }
      const figure = lastAnswer(page).getByTestId("chart-figure");
      await figure.waitFor({ timeout: 180_000 });
      await figure.locator('[data-testid="chart-view"][data-rendered="true"]').waitFor({ timeout: 60_000 });
      await waitForTurnEnd(page, 90_000);
      await card.getByText(/Succeeded/).waitFor();
      assert.match(await card.getByRole("list", { name: "Outputs of the run" }).textContent(), /dhis2_monthly_values/);
      assert.equal(await page.getByRole("article", { name: "Assistant's answer" }).count(), 1, "one answer: the same turn went on");
      assert.match(await figure.textContent(), /16 rows/);
      assert.deepEqual(await violations(page, `${width}-charted`), [], "the run's end and its chart");
      assert.deepEqual(await offScreenControls(page), [], "every control within the screen's width, charted");
      await shot(page, `pipelines-${width}-charted`);
      await page.context().close();
    }));
  }
});
