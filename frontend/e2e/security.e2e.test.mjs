/**
 * The security headers and what the page does under them, in a real browser against the
 * isolated stack (`make test-e2e`): the page's and the API's responses carry a
 * Content-Security-Policy without 'unsafe-eval', X-Frame-Options and nosniff; a chart is
 * drawn (by vega, in a Web Worker, with its expression interpreter) with no CSP violation;
 * the page answers typing while a 10,000-point chart is drawn; the GraphQL explorer loads
 * under Django's CSP.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { composer, login, newConversation, send, step, useStack, waitForTurnEnd } from "./browser.mjs";
import { backendUrl, webUrl } from "./stack.mjs";

let page;
let context;
const violations = [];
const pageErrors = [];

function assertSecurityHeaders(headers, what) {
  const csp = headers["content-security-policy"];
  assert.ok(csp, `${what} has a Content-Security-Policy`);
  assert.doesNotMatch(csp, /unsafe-eval/, `${what}: no 'unsafe-eval' (${csp})`);
  assert.match(csp, /script-src 'self'|default-src 'none'/, `${what}: scripts of the site only, or nothing`);
  assert.equal(headers["x-frame-options"], "DENY", `${what}: X-Frame-Options`);
  assert.equal(headers["x-content-type-options"], "nosniff", `${what}: nosniff`);
  return csp;
}

useStack({
  async setUp(session) {
    ({ page, context } = session);
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // a blocked script, eval or worker is reported on the console, and as an event on the document
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await context.exposeBinding("reportViolation", (_source, text) => violations.push(text));
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) =>
        window.reportViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`),
      );
      // the main thread's long tasks: what a chart drawn on it would show
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.longTasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: "longtask", buffered: true });
    });
    await login(page);
  },
});

describe("security headers", { concurrency: false }, () => {
  test(
    "the page's and the API's responses carry a CSP without unsafe-eval, X-Frame-Options and nosniff",
    { timeout: 60_000 },
    step("security-headers", async () => {
      const response = await page.goto(`${webUrl()}/workspaces/malaria-programme/assistant`);
      const csp = assertSecurityHeaders(await response.allHeaders(), "the page");
      assert.match(csp, /worker-src 'self'/, "charts' workers come from the page's own build");
      assert.match(csp, /frame-ancestors 'none'/);
      const api = await page.request.post(`${webUrl()}/graphql/`, { data: { query: "{ me { user { email } } }" } });
      assert.equal(api.status(), 200);
      assertSecurityHeaders(api.headers(), "the API");
      const stream = await page.request.get(`${webUrl()}/assistant/tool-executions/00000000-0000-0000-0000-000000000000/download.csv`);
      assertSecurityHeaders(stream.headers(), `a download (${stream.status()})`);
    }),
  );

  test(
    "a 10,000-point chart is drawn under the CSP, off the page's thread: typing lands at once meanwhile",
    { timeout: 180_000 },
    step("security-chart", async () => {
      await newConversation(page);
      violations.length = 0;
      await send(page, "Scatter plot of tested against confirmed cases");
      const figure = page.getByTestId("chart-figure").last();
      await figure.waitFor({ timeout: 90_000 });
      const view = figure.getByTestId("chart-view");
      await view.waitFor({ timeout: 30_000 });
      const since = await page.evaluate(() => performance.now());
      // typing while vega works on the chart (the turn still streams its summary): each key
      // lands without waiting for the chart
      await composer(page).click();
      const typed = Date.now();
      await page.keyboard.type("still here");
      const deadline = Date.now() + 10_000;
      while ((await composer(page).inputValue()) !== "still here" && Date.now() < deadline) await page.waitForTimeout(20);
      const typingMs = Date.now() - typed;
      const drawingWhileTyping = (await view.getAttribute("data-rendered")) !== "true";
      await page.waitForFunction(() => document.querySelector('[data-testid="chart-view"][data-rendered="true"]'), null, {
        timeout: 60_000,
      });
      const renderMs = Number(await view.getAttribute("data-render-ms"));
      await waitForTurnEnd(page, 90_000);
      const longest = await page.evaluate(
        (start) => Math.max(0, ...window.longTasks.filter((t) => t.start + t.duration >= start).map((t) => t.duration)),
        since,
      );
      console.log(
        `# 10,000-point chart: drawn in ${renderMs.toFixed(0)} ms by its worker; typing 10 keys took ${typingMs} ms ` +
          `(${drawingWhileTyping ? "while the chart was drawn" : "after the chart was drawn"}); ` +
          `the page's longest task meanwhile: ${longest.toFixed(0)} ms`,
      );
      // the picture: named by the chart's title, a drawn SVG of a real size
      const picture = view.getByRole("img", { name: "Tested and confirmed, per facility report" });
      const box = await picture.boundingBox();
      assert.ok(box.width > 200 && box.height > 100, `the chart has a size (${box.width}x${box.height})`);
      assert.ok(await picture.evaluate((img) => img.complete && img.naturalWidth > 0), "the SVG decoded");
      assert.ok(typingMs < 2000, `typing landed in ${typingMs} ms`);
      assert.ok(longest < 1000, `no task blocked the page for a second (longest: ${longest} ms)`);
      assert.deepEqual(violations, []);
      assert.deepEqual(pageErrors, []);
    }),
  );

  test(
    "a stored chart too costly to draw leaves the page responsive, then says so, its rows in the table",
    { timeout: 180_000 },
    step("security-costly-chart", async () => {
      // A chart stored before the server bounded specs (CHART_TOO_COSTLY): the same 10,000 rows,
      // with a density estimate at 100,000 steps per group (seconds of vega's work, per opening).
      const costly = {
        mark: "area",
        transform: [{ density: "tested", groupby: ["age_group"], steps: 100000 }],
        encoding: {
          x: { field: "value", type: "quantitative" },
          y: { field: "density", type: "quantitative" },
          color: { field: "age_group", type: "nominal" },
        },
      };
      const swapSpecs = (value) => {
        if (Array.isArray(value)) return value.map(swapSpecs);
        if (!value || typeof value !== "object") return value;
        if (value.spec && Array.isArray(value.rows) && Array.isArray(value.columns)) return { ...value, spec: costly };
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, swapSpecs(item)]));
      };
      const swap = async (route) => {
        const response = await route.fetch();
        await route.fulfill({ response, json: swapSpecs(await response.json()) });
      };
      await page.route("**/graphql/", swap);
      try {
        violations.length = 0;
        await page.reload();
        const figure = page.getByTestId("chart-figure").last();
        const view = figure.getByTestId("chart-view");
        await view.waitFor({ timeout: 30_000 });
        // a key every 400 ms for the first seconds of vega's work (tens of seconds of it, on the
        // page's thread, would freeze it): each must land at once
        await composer(page).fill("");
        let slowest = 0;
        let whileDrawing = 0;
        for (let typed = 1; typed <= 12; typed++) {
          const pressed = Date.now();
          await composer(page).press("x");
          const deadline = pressed + 60_000;
          while ((await composer(page).inputValue()).length < typed && Date.now() < deadline) await page.waitForTimeout(10);
          slowest = Math.max(slowest, Date.now() - pressed);
          if ((await view.count()) === 1 && (await view.getAttribute("data-rendered")) !== "true") whileDrawing += 1;
          await page.waitForTimeout(400);
        }
        console.log(`# a chart too costly to draw: the slowest of 12 keys typed meanwhile took ${slowest} ms (${whileDrawing} while it was drawn)`);
        const alert = figure.getByRole("alert");
        await alert.waitFor({ timeout: 30_000 });
        assert.ok(whileDrawing >= 6, `keys typed while the chart was drawn: ${whileDrawing}`);
        assert.ok(slowest < 1000, `each key landed within a second (the slowest: ${slowest} ms)`);
        assert.equal(await alert.innerText(), "This chart is too costly to draw in the page: its rows are in the table.");
        await figure.getByRole("button", { name: "Table" }).click();
        assert.ok((await figure.getByRole("table").locator("tbody tr").count()) > 0, "the rows are in the table");
        assert.deepEqual(violations, []);
        assert.deepEqual(pageErrors, []);
      } finally {
        await page.unroute("**/graphql/", swap);
      }
    }),
  );

  test(
    "the GraphQL explorer (the backend's /graphql/, README) loads under Django's CSP",
    { timeout: 60_000 },
    step("security-explorer", async () => {
      violations.length = 0;
      const response = await page.goto(`${backendUrl()}/graphql/`);
      const csp = assertSecurityHeaders(await response.allHeaders(), "the explorer");
      assert.match(csp, /script-src 'self' 'nonce-[\w-]+'/, "its one inline script by a nonce");
      await page.locator(".graphiql-container").waitFor({ timeout: 30_000 });
      await page.getByText("Loading the GraphQL explorer…").waitFor({ state: "detached" });
      assert.deepEqual(violations, []);
      assert.deepEqual(pageErrors, []);
    }),
  );
});
