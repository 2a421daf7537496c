/**
 * The page at a phone's, a laptop's and a desktop's width, with axe-core and the keyboard only:
 * every state checked has no serious or critical accessibility violation, every control is
 * reachable at 390 px, and a question can be asked and answered without a mouse.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VIEWER, login, offScreenControls, step, useStack, violations, waitForTurnEnd } from "./browser.mjs";
import { webUrl } from "./stack.mjs";

const WIDTHS = [1440, 1024, 390];

let browser;

async function openPage(width) {
  const context = await browser.newContext({ viewport: { width, height: 860 } });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  return page;
}

useStack({ launch: { browser: true }, setUp: (session) => ({ browser } = session) });


describe("the page at three widths, for keyboards and screen readers", { concurrency: false }, () => {
  for (const width of WIDTHS) {
    test(`no serious accessibility violation at ${width} px, from login to a proposed write`, { timeout: 180_000 }, step(`page-a11y-${width}`, async () => {
      const page = await openPage(width);
      await page.goto(`${webUrl()}/login`);
      assert.deepEqual(await violations(page, `${width}-login`), [], "login page");
      await login(page);
      await page.getByRole("button", { name: "New conversation" }).first().waitFor();
      assert.deepEqual(await violations(page, `${width}-list`), [], "conversation list");
      await page.getByRole("button", { name: "New conversation" }).first().click();
      await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
      const composer = page.getByLabel("Message the assistant");
      await composer.waitFor();
      assert.deepEqual(await violations(page, `${width}-empty`), [], "empty conversation");
      await composer.fill("Save a note to notes/a11y-check.md");
      await page.keyboard.press("Enter");
      await page.getByRole("button", { name: "Approve writing notes/a11y-check.md" }).first().waitFor({ timeout: 60_000 });
      await waitForTurnEnd(page);
      assert.deepEqual(await violations(page, `${width}-approval`), [], "answer with a proposed write");
      assert.deepEqual(await offScreenControls(page), [], "every control within the screen's width");
      // nothing left pending: the write rejected (its reason's form confirmed)
      await page.getByRole("button", { name: "Reject writing notes/a11y-check.md" }).first().click();
      await page.getByRole("button", { name: "Confirm rejection" }).first().click();
      await page.getByText("Rejected — nothing written").first().waitFor();
      await page.context().close();
    }));
  }

  test("at 360 px the navigation is a drawer, and the chat has the screen", { timeout: 120_000 }, step("page-drawer-360", async () => {
    const page = await openPage(360);
    await login(page);
    const navigation = page.getByRole("navigation", { name: "Main" });
    assert.equal(await navigation.isVisible(), false, "the navigation is folded away");
    const menu = page.getByRole("button", { name: "Menu" });
    await menu.click();
    assert.equal(await menu.getAttribute("aria-expanded"), "true");
    await navigation.waitFor({ state: "visible" });
    assert.deepEqual(await violations(page, "360-drawer"), [], "open drawer");
    await page.keyboard.press("Escape");
    await navigation.waitFor({ state: "hidden" });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.includes("Menu")), true, "focus back on Menu");
    await page.getByRole("button", { name: "New conversation" }).first().click();
    await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
    const scroller = await page.getByTestId("chat-scroller").boundingBox();
    assert.ok(scroller.width >= 350, `the chat is ${scroller.width} px wide`);
    assert.deepEqual(await offScreenControls(page), [], "every control within 360 px");
    await page.context().close();
  }));

  test("a question asked and answered with the keyboard only", { timeout: 120_000 }, step("page-keyboard", async () => {
    const page = await openPage(1024);
    // a member with no conversations yet: the admin's, made by the other tests, would each
    // add a link to Tab through before the composer
    await login(page, VIEWER);
    // the list is loaded by the page itself: once it shows, the button is live (a key pressed
    // before then is lost)
    await page.getByRole("region", { name: "Your assistant usage this month" }).waitFor();
    await page.getByRole("button", { name: "New conversation" }).first().focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
    const composer = page.getByLabel("Message the assistant");
    await composer.waitFor();
    // Tab from the top of the page reaches the composer
    await page.locator("body").focus();
    let reached = false;
    for (let presses = 0; presses < 25 && !reached; presses += 1) {
      await page.keyboard.press("Tab");
      reached = await composer.evaluate((element) => element === document.activeElement);
    }
    assert.ok(reached, "the composer is reachable with Tab");
    await page.keyboard.type("Which districts had the most malaria cases?");
    await page.keyboard.press("Enter");
    await waitForTurnEnd(page);
    await page.getByRole("article", { name: "Assistant's answer" }).last().getByText("offline demo model", { exact: false }).first().waitFor();
    assert.equal(await page.getByTestId("chat-announcement").textContent(), "Answer ready.");
    await page.context().close();
  }));

  test("a message longer than the limit is kept whole and refused with words, not cut", { timeout: 60_000 }, step("page-long-message", async () => {
    const page = await openPage(1024);
    await login(page);
    await page.getByRole("button", { name: "New conversation" }).first().click();
    await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
    const composer = page.getByLabel("Message the assistant");
    await composer.fill("word ".repeat(8000)); // 40,000 characters
    assert.equal((await composer.inputValue()).length, 40_000);
    await page.getByText("over the limit of 32,000", { exact: false }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Send message" }).isDisabled(), true);
    await page.context().close();
  }));
});
