/**
 * What every browser test does the same way: launch Debian's chromium (driven by
 * playwright-core), log in, keep a screenshot of a failed step, send a message, wait for a
 * turn to end, open a new conversation. Helpers take the page they act on.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { chromium } from "playwright-core";
import { E2E, FRONTEND_DIR, startStack, webUrl } from "./stack.mjs";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const RESULTS = path.join(FRONTEND_DIR, "test-results");
export const SLUG = "malaria-programme";
export const QUESTION = "Which districts had the most malaria cases?";
/** The same question answered slowly by the offline model, for a test that acts mid-turn. */
export const SLOW_QUESTION = `${QUESTION} ${E2E.pacedMarker}`;
export const PASSWORD = "openhexa-demo";
/** Who a test file logs in as: under `e2e/run.mjs` people of its own (an admin and a viewer
 * of the demo workspace, which no other file uses); the demo's own when the file runs alone. */
export const USER = process.env.E2E_USER || "demo@openhexa.org";
export const VIEWER = process.env.E2E_VIEWER || "viewer@openhexa.org";

const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

// what a failed step photographs: every page of every browser launched here
const launched = new Set();

function assertChromium() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
}

/**
 * A browser with one persistent profile and its first page; `locale` (e.g. "fr-FR") for a
 * browser whose user reads another language first. `close()` removes the profile.
 */
export async function launch({ locale, acceptDownloads = false, viewport = { width: 1280, height: 900 } } = {}) {
  assertChromium();
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads,
    ...(locale ? { locale } : {}),
    args: locale ? [...ARGS, `--lang=${locale}`] : ARGS,
    viewport,
    timeout: 60_000,
  });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(30_000);
  launched.add(context);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      launched.delete(context);
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A browser without a profile, for tests that open several contexts (widths, users). */
export async function launchBrowser() {
  assertChromium();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
  launched.add(browser);
  return {
    browser,
    async close() {
      launched.delete(browser);
      await browser.close().catch(() => undefined);
    },
  };
}

function openPages() {
  return [...launched].flatMap((owner) => (owner.pages ? owner.pages() : owner.contexts().flatMap((c) => c.pages())));
}

/**
 * The stack and a browser for one test file: registers the file's `before` (the stack, shared
 * under `e2e/run.mjs`; then a browser) and its `after` (the browser closed, the stack stopped
 * if the file started it). `launch` takes `launch()`'s options, or `{ browser: true }` for a
 * browser without a profile (`launchBrowser()`); `logPageErrors` prints the page's uncaught
 * errors; `setUp(session)` then receives `{ page, context, browser }` (what was launched),
 * e.g. to keep them in the file's variables.
 */
export function useStack({ launch: options = {}, logPageErrors = false, setUp } = {}) {
  const session = {};
  before(
    async () => {
      session.stack = await startStack();
      Object.assign(session, options.browser ? await launchBrowser() : await launch(options));
      if (logPageErrors) session.page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
      await setUp?.(session);
    },
    { timeout: 420_000 },
  );
  after(
    async () => {
      await session.close?.();
      await session.stack?.stop();
    },
    { timeout: 120_000 },
  );
  return session;
}

export async function shot(page, name) {
  fs.mkdirSync(RESULTS, { recursive: true });
  await page?.screenshot({ path: path.join(RESULTS, `${name}.png`), fullPage: false }).catch(() => undefined);
}

/** A test body that, when it fails, keeps a screenshot of each open page as it was. */
export function step(name, body) {
  return async () => {
    try {
      await body();
    } catch (error) {
      const pages = openPages();
      const slug = name.replace(/\W+/g, "-");
      await Promise.all(pages.map((page, i) => shot(page, `failure-${slug}${pages.length > 1 ? `-${i + 1}` : ""}`)));
      throw error;
    }
  };
}

export const messages = (page) => page.getByRole("region", { name: "Messages" });
export const composer = (page) => page.getByLabel("Message the assistant");
export const lastAnswer = (page) => page.getByRole("article", { name: "Assistant's answer" }).last();

/** Logs in through the login page and lands on the workspace's conversations. */
export async function login(page, email = USER) {
  await page.goto(`${webUrl()}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(new RegExp(`/workspaces/${SLUG}/assistant$`));
}

/** Types `text` in the composer and sends it the keyboard way (Enter). */
export async function send(page, text) {
  await composer(page).click();
  await composer(page).fill(text);
  await page.keyboard.press("Enter");
}

/** Until the running turn has ended: the message list no longer busy, no Stop button. */
export async function waitForTurnEnd(page, timeout = 60_000) {
  // checked every 100 ms, not at every frame (the default): several pages wait at once
  await page.waitForFunction(() => !document.querySelector('[data-testid="chat-scroller"][aria-busy="true"]'), null, { timeout, polling: 100 });
  await page.getByRole("button", { name: "Stop the assistant" }).waitFor({ state: "detached", timeout });
}

/** Opens a new conversation of the workspace; returns its id. */
export async function newConversation(page) {
  await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant`);
  await page.getByRole("button", { name: "New conversation" }).click();
  await page.waitForURL(/\/assistant\/[0-9a-f-]{36}$/);
  await composer(page).waitFor();
  return page.url().split("/").pop();
}

/** A GraphQL request from the page, with its session. */
export async function graphql(page, query, variables = {}) {
  return page.evaluate(
    async ([q, v]) => {
      const response = await fetch("/graphql/", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ query: q, variables: v }),
      });
      return response.json();
    },
    [query, variables],
  );
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Serious and critical axe-core violations on the page as it is now: each rule's id, impact
 * and first three places. Every rule runs; only the lesser findings are left out. */
export async function seriousViolations(page) {
  // evaluated through the browser's protocol, not added as an inline script: the page's
  // Content-Security-Policy refuses inline scripts, and it stays on during these checks;
  // once per document (a page changed without a reload keeps it)
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const { violations } = await axe.run(document, { resultTypes: ["violations"] });
    return violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 3) }));
  });
}

/** As `seriousViolations`, with a screenshot of the page (`axe-<state>.png`) if there are any. */
export async function violations(page, state) {
  const serious = await seriousViolations(page);
  if (serious.length) {
    fs.mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS, `axe-${state}.png`) });
  }
  return serious;
}

/** Every button and link on the page sits inside the viewport's width (nothing off-screen). */
export async function offScreenControls(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("main button, main a, main textarea")]
      .filter((element) => element.offsetParent !== null)
      .map((element) => ({ element, box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.left < -1 || box.right > window.innerWidth + 1))
      .map(({ element }) => element.getAttribute("aria-label") || element.textContent.trim().slice(0, 40)),
  );
}

/** Asks SLOW_QUESTION on a conversation's stream, through the page's server, and checks its
 * text deltas come as they are produced: plain (never compressed, whatever `headers` accept),
 * one read each rather than buffered into a few, spread over the turn. */
export async function assertDeltasStreamed(cookie, conversationId, headers = {}) {
  const started = Date.now();
  const response = await fetch(`${webUrl()}/assistant/conversations/${conversationId}/stream/`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: cookie, ...headers },
    body: JSON.stringify({ message: SLOW_QUESTION }),
    signal: AbortSignal.timeout(60_000),
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type"), /text\/event-stream/);
  assert.equal(response.headers.get("content-encoding"), null, "the event stream is not compressed");
  const arrivals = [];
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    const text = decoder.decode(chunk, { stream: true });
    const deltas = (text.match(/event: text_delta/g) ?? []).length;
    if (deltas) arrivals.push({ at: Date.now() - started, deltas });
    if (text.includes("event: done")) break;
  }
  const total = arrivals.reduce((sum, arrival) => sum + arrival.deltas, 0);
  assert.ok(total >= 10, `${total} deltas`);
  assert.ok(arrivals.length >= total / 2, `deltas came in ${arrivals.length} reads, not buffered into a few`);
  assert.ok(arrivals.at(-1).at - arrivals[0].at > 500, "spread over the turn");
}
