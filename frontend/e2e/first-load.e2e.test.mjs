/**
 * The first load of a conversation on a slow phone: Chromium throttled as the issue measured it
 * (150 ms of latency, 1.6 Mbit/s down, 750 kbit/s up, the CPU 4 times slower), cache empty.
 * Printed, not asserted (timings on a shared machine are noise): the time to the first paint,
 * to a usable chat (its composer and its first answer), and the JavaScript transferred and
 * whether it came compressed.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SLUG, composer as composerOf, login, newConversation, step, useStack, waitForTurnEnd } from "./browser.mjs";
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
});
