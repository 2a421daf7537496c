/**
 * The first load of a conversation on a slow phone: Chromium throttled as the issue measured it
 * (150 ms of latency, 1.6 Mbit/s down, 750 kbit/s up, the CPU 4 times slower), cache empty.
 * Printed, not asserted (timings on a shared machine are noise): the time to the first paint,
 * to a usable chat (its composer and its first answer), and the JavaScript transferred and
 * whether it came compressed.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { QUESTION, SLUG, composer as composerOf, login, newConversation, step, useStack, waitForTurnEnd } from "./browser.mjs";
import { webUrl } from "./stack.mjs";

let browser;

useStack({ launch: { browser: true }, setUp: (session) => ({ browser } = session) });

describe("first load", { concurrency: false }, () => {
  test("a conversation opens under mobile throttling (figures printed)", { timeout: 300_000 }, step("first-load", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 }, hasTouch: true, isMobile: true });
    context.setDefaultTimeout(120_000);
    try {
      const page = await context.newPage();
      await login(page);
      const id = await newConversation(page);
      // a touch screen: Enter starts a new line, the Send button sends
      await composerOf(page).fill("Which districts had the most malaria cases?");
      await page.getByRole("button", { name: "Send message" }).click();
      await waitForTurnEnd(page, 90_000);

      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.clearBrowserCache");
      await cdp.send("Network.emulateNetworkConditions", {
        offline: false,
        latency: 150,
        downloadThroughput: (1.6 * 1024 * 1024) / 8,
        uploadThroughput: (750 * 1024) / 8,
      });
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      const scripts = [];
      cdp.on("Network.responseReceived", ({ requestId, response, type }) => {
        if (type === "Script") scripts.push({ requestId, url: response.url, encoding: response.headers["content-encoding"] || response.headers["Content-Encoding"] || "" });
      });
      const sizes = new Map();
      cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) => sizes.set(requestId, encodedDataLength));

      const started = Date.now();
      await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant/${id}`, { waitUntil: "commit" });
      const composer = page.getByLabel("Message the assistant");
      await composer.waitFor({ state: "visible" });
      await page.getByTestId("chat-scroller").getByText("offline demo model", { exact: false }).first().waitFor();
      const usableMs = Date.now() - started;
      const paint = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
      const bytes = scripts.reduce((total, script) => total + (sizes.get(script.requestId) ?? 0), 0);
      const compressed = scripts.filter((script) => script.encoding).length;
      console.log(
        `# first load under throttling (150 ms, 1.6 Mbit/s, CPU x4): first paint ${paint ? Math.round(paint) : "?"} ms, ` +
          `chat usable in ${usableMs} ms (goal < 3,000 ms); ${scripts.length} scripts, ${Math.round(bytes / 1024)} kB transferred, ` +
          `${compressed} compressed`,
      );
      assert.ok(scripts.length > 0 && bytes > 0, "the page's scripts were measured");
    } finally {
      await context.close();
    }
  }));

  test("scripts and pages come compressed, the event stream does not", { timeout: 120_000 }, step("compression", async () => {
    const context = await browser.newContext();
    context.setDefaultTimeout(30_000);
    try {
      const page = await context.newPage();
      await login(page);
      const id = await newConversation(page);
      const cookie = (await context.cookies(webUrl())).map((c) => `${c.name}=${c.value}`).join("; ");
      const acceptEncoding = "br, gzip, deflate";

      // the page's HTML and one of its scripts, as a browser asks for them
      const html = await fetch(`${webUrl()}/workspaces/${SLUG}/assistant/${id}`, { headers: { Cookie: cookie, "Accept-Encoding": acceptEncoding } });
      assert.equal(html.status, 200);
      assert.match(html.headers.get("content-encoding") ?? "", /^(br|gzip)$/, "the page's HTML is compressed");
      const body = await html.text();
      const script = body.match(/<script src="(\/_next\/static\/chunks\/[^"]+\.js)"/)?.[1];
      assert.ok(script, "the page names its scripts");
      const js = await fetch(`${webUrl()}${script}`, { headers: { "Accept-Encoding": acceptEncoding } });
      assert.equal(js.status, 200);
      assert.match(js.headers.get("content-encoding") ?? "", /^(br|gzip)$/, `${script} is compressed`);
      assert.match(js.headers.get("vary") ?? "", /accept-encoding/i, "caches keep one copy per encoding");
      // and plain to a client that asks for no compression
      const plain = await fetch(`${webUrl()}${script}`, { headers: { "Accept-Encoding": "identity" } });
      assert.equal(plain.headers.get("content-encoding"), null);
      await plain.arrayBuffer();

      // a turn's events, asked for with the same Accept-Encoding: plain, and each delta as it comes
      const started = Date.now();
      const response = await fetch(`${webUrl()}/assistant/conversations/${id}/stream/`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Cookie: cookie, "Accept-Encoding": acceptEncoding },
        body: JSON.stringify({ message: QUESTION }),
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
    } finally {
      await context.close();
    }
  }));
});
