/**
 * Charts, maps and downloads in a real browser, against the isolated stack with the offline
 * model (`make test-e2e`): a map of the seeded district shapes (drawn by vega in a Web
 * Worker, shown as an SVG picture), the chart/table toggle, PNG and CSV downloads, and the
 * time a 10,000-point chart takes to draw (printed; its goal, under 500 ms, is a figure to
 * watch, not an assertion). Screenshots are compared by structure (the figure, its caption,
 * the picture, the table's rows), not by pixels.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { describe, test } from "node:test";
import { login, newConversation, send, shot, step, useStack, waitForTurnEnd } from "./browser.mjs";

let page;
const pageErrors = [];

/** A question in a new conversation, until its turn ends. */
async function ask(text) {
  await newConversation(page);
  await send(page, text);
  await waitForTurnEnd(page, 90_000);
}

/** The chart's figure once vega has drawn it. */
async function drawnFigure() {
  const figure = page.getByTestId("chart-figure").last();
  await figure.waitFor({ timeout: 60_000 });
  await figure.locator('[data-testid="chart-view"][data-rendered="true"]').waitFor({ timeout: 60_000 });
  return figure;
}

useStack({
  launch: { acceptDownloads: true },
  async setUp(session) {
    page = session.page;
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // nothing a chart draws may come from elsewhere: no tiles, no fonts, no data URLs
    await session.context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => {
      pageErrors.push(`request to ${route.request().url()}`);
      return route.abort();
    });
    await login(page);
  },
});


describe("charts", { concurrency: false }, () => {
  test(
    "a map of the districts: a captioned figure, a picture, the table one click away, downloads",
    { timeout: 180_000 },
    step("charts-map", async () => {
      await ask("Map malaria cases per district");
      const figure = await drawnFigure();
      const caption = figure.locator("figcaption");
      assert.match(await caption.innerText(), /Confirmed malaria cases per district/);
      assert.match(await caption.innerText(), /Map coloured by Cases, 16 rows\./);
      const drawing = figure.getByRole("img", { name: "Confirmed malaria cases per district, 2022–2024" });
      assert.equal(await figure.locator("img").count(), 1, "vega's drawing is one picture");
      const box = await drawing.boundingBox();
      assert.ok(box.width > 200 && box.height > 100, `the map has a size (${box.width}x${box.height})`);
      await shot(page, "chart-map");

      const download = page.waitForEvent("download");
      await figure.getByRole("button", { name: "Download PNG" }).click();
      const png = await download;
      assert.match(png.suggestedFilename(), /^Confirmed-malaria-cases-per-district.*\.png$/);
      const bytes = fs.readFileSync(await png.path());
      assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "a PNG file");

      const svg = page.waitForEvent("download");
      await figure.getByRole("button", { name: "Download SVG" }).click();
      // the picture's structure: 16 district shapes, each drawn at a real size (not collapsed,
      // not NaN, as when a projection cannot be fitted or a ring winds the wrong way)
      const picture = fs.readFileSync(await (await svg).path(), "utf8");
      assert.match(picture, /^<svg[^>]*>/);
      const shapes = picture.split('class="mark-shape')[1]?.split("</g>")[0] ?? "";
      const paths = [...shapes.matchAll(/<path[^>]* d="([^"]+)"/g)].map((m) => m[1]);
      assert.equal(paths.length, 16, "one shape per district");
      for (const d of paths) {
        assert.ok(!d.includes("NaN"), `a drawable shape: ${d.slice(0, 60)}`);
        const xs = [...d.matchAll(/(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)/g)].map((m) => Number(m[1]));
        assert.ok(Math.max(...xs) - Math.min(...xs) > 40, `a district is wider than 40 px: ${d.slice(0, 60)}`);
      }

      await figure.getByRole("button", { name: "Table" }).click();
      const table = figure.getByRole("table");
      assert.equal(await table.locator("tbody tr").count(), 16);
      const cases = await table.locator("tbody tr td:last-child").first();
      assert.match(await cases.innerText(), /^\d{1,3}(,\d{3})+$/, "numbers grouped by thousands");
      assert.match((await cases.getAttribute("class")) ?? "", /text-right/);
      await shot(page, "chart-map-table");
      await figure.getByRole("button", { name: "Chart" }).click();
      await drawnFigure();

      const href = await figure.getByRole("link", { name: "Download CSV" }).getAttribute("href");
      const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href);
      const lines = csv.trim().split("\n");
      assert.equal(lines[0], "district,geometry,cases");
      assert.equal(lines.length, 17);
      assert.deepEqual(pageErrors, []);
    }),
  );

  test(
    "a map of the facilities: the districts' outlines drawn under the points, from the seeded boundaries",
    { timeout: 180_000 },
    step("charts-outlines", async () => {
      await ask("Map the health facilities");
      const figure = await drawnFigure();
      assert.match(await figure.locator("figcaption").innerText(), /192 rows/);
      await shot(page, "chart-facility-map");
      const svg = page.waitForEvent("download");
      await figure.getByRole("button", { name: "Download SVG" }).click();
      const picture = fs.readFileSync(await (await svg).path(), "utf8");
      const outlinesAt = picture.indexOf('class="mark-shape');
      const pointsAt = picture.indexOf('class="mark-symbol');
      assert.ok(outlinesAt > 0 && pointsAt > 0, "the map has outlines and points");
      assert.ok(outlinesAt < pointsAt, "the outlines are drawn first: under the points");
      const outlines = picture.slice(outlinesAt).split("</g>")[0];
      const paths = [...outlines.matchAll(/<path[^>]* d="([^"]+)"/g)].map((m) => m[1]);
      assert.equal(paths.length, 16, "one outline per district");
      assert.ok(paths.every((d) => !d.includes("NaN")), "every outline is drawable");
      assert.doesNotMatch(outlines, /<path[^>]* fill="(?!none)/, "outlines, not filled shapes hiding the points");
      assert.match(outlines, /stroke="#9ca3af"/);
      const points = picture.slice(pointsAt).split("</g>")[0].match(/<path/g) ?? [];
      assert.equal(points.length, 192, "one point per facility");
      assert.deepEqual(pageErrors, []); // nothing was fetched: no tiles, no CDN
    }),
  );

  test(
    "a query's result table downloads as CSV and copies",
    { timeout: 120_000 },
    step("charts-csv", async () => {
      await ask("Which districts had the most malaria cases?");
      const card = page.locator('[data-tool="query_database"]').last();
      await card.getByRole("button", { expanded: false }).first().click();
      await card.getByRole("button", { name: "Copy SQL" }).waitFor();
      const href = await card.getByRole("link", { name: "Download CSV" }).getAttribute("href");
      const response = await page.evaluate(async (url) => {
        const r = await fetch(url);
        return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
      }, href);
      assert.equal(response.status, 200);
      assert.equal(response.type, "text/csv; charset=utf-8");
      assert.equal(response.text.trim().split("\n").length, 11); // the header and the query's 10 rows
    }),
  );

  test(
    "a 10,000-point chart draws in the browser (time printed)",
    { timeout: 180_000 },
    step("charts-10k", async () => {
      await ask("Scatter plot of tested against confirmed cases");
      const figure = await drawnFigure();
      assert.match(await figure.locator("figcaption").innerText(), /10,000 rows/);
      const renderMs = Number(await figure.getByTestId("chart-view").getAttribute("data-render-ms"));
      console.log(`# 10,000-point chart rendered in ${renderMs.toFixed(0)} ms in Chromium (goal: < 500 ms)`);
      assert.ok(renderMs > 0);
      await shot(page, "chart-10k");
      assert.deepEqual(pageErrors, []);
    }),
  );
});
