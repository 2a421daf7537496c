/**
 * The page on phones, tablets and desktops, in English and French: at 360, 390, 768, 1024 and
 * 1440 px no page scrolls sideways, every control is inside the screen and takes a click where
 * it is drawn, a conversation can be renamed and deleted from the list, the chat has at least
 * 60 % of the width from 768 px up, and a chart is at least 300 px wide from 390 px up with its
 * legend below the plot on a narrow screen; axe-core finds no serious or critical violation on the
 * list nor on a chat holding a chart, a result table and a question. The figures are printed.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { RESULTS, SLUG, graphql, login, newConversation, send, seriousViolations, step, useStack, waitForTurnEnd } from "./browser.mjs";
import { webUrl } from "./stack.mjs";

const WIDTHS = [360, 390, 768, 1024, 1440];
const LANGUAGES = ["en", "fr"];
let browser;

async function setLanguage(page, language) {
  const result = await graphql(page, `mutation($l: String!) { updateUser(input: {language: $l}) { success } }`, { l: language });
  assert.equal(result.data.updateUser.success, true);
}

/** How far the page scrolls sideways (0: not at all). */
const sidewaysScroll = (page) =>
  page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth);

/**
 * The visible controls of the page that are out of the screen's width or covered where they are
 * drawn (each scrolled into view first): their names; and how many were checked.
 */
async function unreachableControls(page) {
  return page.evaluate(async () => {
    const controls = [...document.querySelectorAll("button, a[href], input, textarea, select, [tabindex='0']")].filter(
      (element) => element.offsetParent !== null && element.getBoundingClientRect().width > 1 && element.getBoundingClientRect().height > 1,
    );
    const bad = [];
    for (const element of controls) {
      const before = element.getBoundingClientRect();
      element.scrollIntoView({ block: "center", inline: "nearest" });
      // what a scroll brings up (Jump to latest) is drawn two frames later; a control already
      // where it was scrolled to moved nothing, and needs no wait
      const after = element.getBoundingClientRect();
      if (after.top !== before.top || after.left !== before.left) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      // a control shown only until the reader scrolls (Jump to latest) goes away by design
      if (!element.isConnected || element.offsetParent === null) continue;
      const box = element.getBoundingClientRect();
      const name = element.getAttribute("aria-label") || element.textContent.trim().slice(0, 40) || element.tagName;
      if (box.left < -1 || box.right > window.innerWidth + 1) {
        bad.push(`${name} (off screen: ${Math.round(box.left)}–${Math.round(box.right)})`);
        continue;
      }
      const x = Math.min(Math.max(box.left + box.width / 2, 0), window.innerWidth - 1);
      const y = Math.min(Math.max(box.top + Math.min(box.height / 2, 10), 0), window.innerHeight - 1);
      const hit = document.elementFromPoint(x, y);
      if (!hit || !(element === hit || element.contains(hit) || hit.contains(element))) bad.push(`${name} (covered)`);
    }
    window.scrollTo(0, 0);
    return { checked: controls.length, bad };
  });
}

/** The legend's place in a drawn chart (its SVG, downloaded as a user would): below the plot, or beside it. */
async function legendPlace(page, figure) {
  const download = page.waitForEvent("download");
  await figure.getByRole("button", { name: /^(Download SVG|Télécharger en SVG)/ }).click();
  const svg = fs.readFileSync(await (await download).path(), "utf8");
  fs.writeFileSync(path.join(RESULTS, "responsive-chart.svg"), svg);
  const legend = /<g class="mark-group role-legend"[^>]*><g transform="translate\(([-\d.]+),([-\d.]+)\)"/.exec(svg);
  const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)?.[1]);
  const height = Number(/<svg[^>]* height="([\d.]+)"/.exec(svg)?.[1]);
  if (!legend) return "none";
  const [x, y] = [Number(legend[1]), Number(legend[2])];
  return y > height / 2 && x < width / 2 ? "below" : "beside";
}

useStack({ launch: { browser: true }, setUp: (session) => ({ browser } = session) });

describe("the page at five widths, in English and French", { concurrency: false }, () => {
  test("no sideways scroll, every control reachable, the chat and its charts wide enough", { timeout: 600_000 }, step("responsive", async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    context.setDefaultTimeout(30_000);
    const page = await context.newPage();
    page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
    await login(page);
    // a chart with one line per district (16 entries in its legend), a query's result table,
    // and a question waiting for its answer
    const chartId = await newConversation(page);
    for (const question of ["Chart malaria cases per district over time", "Which districts had the most malaria cases?", "Ask me what to look at"]) {
      await send(page, question);
      await waitForTurnEnd(page, 90_000);
    }
    const figures = [];
    try {
      for (const language of LANGUAGES) {
        await setLanguage(page, language);
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 800 });
          const where = `${width} px, ${language}`;

          // the list: rename and delete reachable
          await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant`);
          const rename = page.getByRole("button", { name: /^(Rename|Renommer) / }).first();
          await rename.waitFor();
          assert.equal(await sidewaysScroll(page), 0, `the list scrolls sideways at ${where}`);
          const list = await unreachableControls(page);
          assert.deepEqual(list.bad, [], `unreachable controls of the list at ${where}`);
          const listAxe = await seriousViolations(page);
          assert.deepEqual(listAxe, [], `axe on the list at ${where}`);
          await rename.click();
          await page.getByRole("button", { name: /^(Save|Enregistrer)$/ }).waitFor();
          assert.equal(await sidewaysScroll(page), 0, `renaming scrolls sideways at ${where}`);
          await page.getByRole("button", { name: /^(Cancel|Annuler)$/ }).first().click();
          await page.getByRole("button", { name: /^(Delete|Supprimer) / }).first().click();
          const confirm = page.getByRole("button", { name: /^(Confirm deleting|Confirmer la suppression)/ }).first();
          await confirm.waitFor();
          const box = await confirm.boundingBox();
          assert.ok(box.x >= 0 && box.x + box.width <= width, `the confirmation is on screen at ${where}`);
          await page.getByRole("button", { name: /^(Cancel|Annuler)$/ }).first().click();
          const newButton = await page.getByRole("button", { name: /^\+?\s*(New conversation|Nouvelle conversation)$/ }).boundingBox();
          assert.ok(newButton.x + newButton.width <= width, `"New conversation" is whole at ${where}`);

          // the chat with a chart
          await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant/${chartId}`);
          const image = page.locator('[data-testid="chart-view"][data-rendered="true"] img').last();
          await image.waitFor({ timeout: 60_000 });
          assert.equal(await sidewaysScroll(page), 0, `the chat scrolls sideways at ${where}`);
          const chat = await page.getByTestId("chat-scroller").boundingBox();
          const chart = await image.boundingBox();
          const legend = await legendPlace(page, page.getByTestId("chart-figure").last());
          // the result table shown, as the reader opens it
          const card = page.locator('[data-tool="query_database"]').last();
          await card.getByRole("button", { expanded: false }).first().click();
          await card.getByRole("region", { name: /^(Result|Résultat)/ }).waitFor();
          const chatAxe = await seriousViolations(page);
          const chatControls = await unreachableControls(page);
          const share = chat.width / width;
          const figure = { width, language, chat: Math.round(chat.width), share: `${Math.round(share * 100)} %`, chart: Math.round(chart.width), legend, controls: list.checked + chatControls.checked, axe: listAxe.length + chatAxe.length };
          figures.push(figure);
          console.log(`# ${JSON.stringify(figure)}`);
          assert.deepEqual(chatControls.bad, [], `unreachable controls of the chat at ${where}`);
          assert.deepEqual(chatAxe, [], `axe on the chat (a chart, a table, a question) at ${where}`);
          if (width >= 768) assert.ok(share >= 0.6, `the chat is ${Math.round(share * 100)} % of ${where}`);
          if (width >= 390) assert.ok(chart.width >= 300, `the chart is ${chart.width} px wide at ${where}`);
          if (width < 768) assert.equal(legend, "below", `the legend at ${where}`);

          await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant/settings`);
          await page.getByRole("heading", { level: 1 }).first().waitFor();
          assert.equal(await sidewaysScroll(page), 0, `the settings scroll sideways at ${where}`);
        }
      }
    } finally {
      await setLanguage(page, "en");
      console.table(figures);
      await context.close();
    }
  }));
});
