/**
 * The assistant page in a real browser (Debian's chromium, driven by playwright-core)
 * against an isolated stack with the offline model: `make test-e2e`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { QUESTION, SLOW_QUESTION, SLUG, USER, assertDeltasStreamed, graphql, lastAnswer, messages, newConversation, send, shot, step, useStack, waitForTurnEnd } from "./browser.mjs";
import { bucketDir, webUrl } from "./stack.mjs";

let context;
let page;
let bucket;

useStack({ logPageErrors: true, setUp: (session) => ({ page, context } = session) });


describe("the assistant page", { concurrency: false }, () => {
  test(
    "logs in and lands on the workspace's conversations",
    { timeout: 60_000 },
    step("login", async () => {
      await page.goto(`${webUrl()}/`);
      await page.waitForURL(/\/login/);
      await page.getByLabel("Email").fill(USER);
      await page.getByLabel("Password").fill("wrong-password");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("alert").filter({ hasText: "Wrong email or password." }).waitFor();
      await page.getByLabel("Password").fill("openhexa-demo");
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL(new RegExp(`/workspaces/${SLUG}/assistant$`));
      await page.getByRole("heading", { name: "Assistant" }).waitFor();
      const result = await graphql(page, `query ($slug: String!) { workspace(slug: $slug) { bucket { name } } }`, { slug: SLUG });
      bucket = result.data.workspace.bucket.name;
      assert.ok(bucket, "the workspace has a bucket");
    }),
  );

  test(
    "streams an answer about the database, with a result table",
    { timeout: 120_000 },
    step("answer", async () => {
      await newConversation(page);
      await page.getByText("Offline demo model — not Claude").waitFor();
      await send(page, SLOW_QUESTION); // slowly: the answer is watched while it grows
      await page.getByRole("article", { name: "Your message" }).filter({ hasText: QUESTION }).waitFor();
      // The answer grows while it streams.
      const lengths = [];
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const busy = await messages(page).getAttribute("aria-busy");
        lengths.push((await lastAnswer(page).textContent().catch(() => "")) ?? "");
        if (busy !== "true" && lengths.length > 1) break;
        await page.waitForTimeout(150);
      }
      const distinct = new Set(lengths.map((text) => text.length));
      assert.ok(distinct.size >= 4, `the answer appeared progressively (${distinct.size} distinct lengths)`);
      await waitForTurnEnd(page);
      const table = lastAnswer(page).locator(".markdown table");
      await table.waitFor();
      assert.ok((await table.getByRole("row").count()) >= 3, "the answer has a table with rows");
      await shot(page, "chat-table-answer");

      // the tool call, expanded: the SQL and the result as a table
      await lastAnswer(page).getByRole("button", { name: /Queried the database/ }).click();
      const card = lastAnswer(page).getByTestId("tool-execution");
      await card.locator("code.language-sql").waitFor();
      assert.ok((await card.getByRole("table").getByRole("row").count()) >= 3);
      await card.getByText(/\d+ rows/).waitFor();
      await shot(page, "chat-tool-card-expanded");
      // totals: per message and for the conversation
      await lastAnswer(page).getByLabel("Usage of this answer").waitFor();
      assert.match(await page.getByLabel("Conversation total").textContent(), /tokens · \$/);
    }),
  );

  test(
    "writes a note only after approval",
    { timeout: 120_000 },
    step("approve", async () => {
      const file = path.join(bucketDir(bucket), "notes", "e2e_note.md");
      fs.rmSync(file, { force: true });
      await send(page, "Write a note notes/e2e_note.md about it");
      const card = page.getByRole("region", { name: "Proposed write to notes/e2e_note.md" });
      await card.waitFor({ timeout: 60_000 });
      await card.getByText("New file").waitFor(); // the action, in words (CREATE)
      assert.ok((await card.locator('[data-diff="added"]').count()) > 0, "the diff shows added lines");
      await waitForTurnEnd(page);
      await shot(page, "chat-approval-card");
      assert.equal(fs.existsSync(file), false, "nothing is written before approval");
      await card.getByRole("button", { name: "Approve writing notes/e2e_note.md" }).click();
      await card.getByText("Approved — written").waitFor();
      assert.ok(fs.existsSync(file), `${file} exists after approval`);
      assert.match(fs.readFileSync(file, "utf8"), /Write a note notes\/e2e_note\.md about it/);
    }),
  );

  test(
    "a rejected write leaves no file",
    { timeout: 120_000 },
    step("reject", async () => {
      const file = path.join(bucketDir(bucket), "notes", "e2e_rejected.md");
      fs.rmSync(file, { force: true });
      // A new conversation: in the previous one the offline model would read the path of the
      // approved note in the outcome the server adds to the next message.
      await newConversation(page);
      await send(page, "Save a note to notes/e2e_rejected.md");
      const card = page.getByRole("region", { name: "Proposed write to notes/e2e_rejected.md" });
      await card.waitFor({ timeout: 60_000 });
      await waitForTurnEnd(page);
      // the reason's form fits a phone: its field and buttons inside 360 px, nothing sideways
      const viewport = page.viewportSize();
      await page.setViewportSize({ width: 360, height: 800 });
      await card.getByRole("button", { name: "Reject writing notes/e2e_rejected.md" }).click();
      const controls = [card.getByLabel(/Reason/), card.getByRole("button", { name: "Confirm rejection" }), card.getByRole("button", { name: "Cancel" })];
      for (const control of controls) {
        const box = await control.boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= 360, `a control of the rejection form is off screen: ${box.x}–${box.x + box.width}`);
      }
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.equal(sideways, 0, "the rejection form scrolls the page sideways at 360 px");
      await page.setViewportSize(viewport);
      await card.getByLabel(/Reason/).fill("Not needed");
      await card.getByRole("button", { name: "Confirm rejection" }).click();
      await card.getByText("Rejected — nothing written").waitFor();
      await card.getByText("Reason: Not needed").waitFor();
      assert.equal(fs.existsSync(file), false, "a rejected write is never made");
    }),
  );

  test(
    "a failed tool call shows its error in red",
    { timeout: 120_000 },
    step("tool-error", async () => {
      await newConversation(page);
      await send(page, "Read reports/missing_file.md");
      await waitForTurnEnd(page);
      const card = lastAnswer(page).getByTestId("tool-execution").filter({ hasText: "Read a file" });
      await card.getByText("Not found", { exact: true }).waitFor(); // plain words; the code is in the details
      await card.getByRole("button", { name: /Read a file/ }).click();
      const alert = card.getByRole("alert");
      await alert.waitFor();
      const color = await alert.evaluate((element) => getComputedStyle(element).color);
      const numbers = color.match(/\d+(\.\d+)?/g).map(Number);
      const red = color.startsWith("oklch")
        ? numbers[1] > 0.1 && (numbers[2] < 45 || numbers[2] > 340) // chroma, hue (Tailwind 4's colours)
        : numbers[0] > numbers[1] && numbers[0] > numbers[2];
      assert.ok(red, `the error is red (${color})`);
      await shot(page, "chat-tool-error");
    }),
  );

  test(
    "a reload in the middle of a turn resumes it",
    { timeout: 120_000 },
    step("resume", async () => {
      await newConversation(page);
      await send(page, SLOW_QUESTION);
      await lastAnswer(page).getByText("I will use", { exact: false }).waitFor({ timeout: 30_000 });
      assert.equal(await messages(page).getAttribute("aria-busy"), "true", "the turn is still running");
      await page.reload();
      await page.getByRole("article", { name: "Your message" }).first().waitFor();
      // the turn goes on in the reloaded page and ends with its table
      await page.getByRole("status").filter({ hasText: "Thinking…" }).waitFor({ timeout: 15_000 });
      await shot(page, "chat-resumed-mid-turn");
      await waitForTurnEnd(page);
      await lastAnswer(page).locator(".markdown table").waitFor();
      assert.equal(await page.getByRole("article", { name: "Your message" }).count(), 1, "no duplicate message");
      assert.equal(await page.getByRole("article", { name: "Assistant's answer" }).count(), 1, "no duplicate answer");
    }),
  );

  test(
    "Stop ends a running turn",
    { timeout: 120_000 },
    step("stop", async () => {
      await newConversation(page);
      await send(page, SLOW_QUESTION);
      await lastAnswer(page).getByText("offline", { exact: false }).waitFor({ timeout: 30_000 });
      await page.getByRole("button", { name: "Stop the assistant" }).click();
      await waitForTurnEnd(page);
      await lastAnswer(page).getByText("Stopped.").waitFor();
    }),
  );

  test(
    "deltas reach the browser through the Next server as they are produced",
    { timeout: 120_000 },
    step("progressive", async () => {
      const conversationId = await newConversation(page);
      const cookies = await context.cookies(webUrl());
      const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
      await assertDeltasStreamed(cookie, conversationId);
    }),
  );

  test(
    "the list follows a running turn until it ends, without a reload",
    { timeout: 120_000 },
    step("list-running", async () => {
      const id = await newConversation(page);
      await send(page, SLOW_QUESTION);
      await lastAnswer(page).getByText("I will use", { exact: false }).waitFor({ timeout: 30_000 });
      await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant`);
      const row = page.locator(`tr:has(a[href$="/assistant/${id}"])`);
      await row.getByText("Running").waitFor({ timeout: 10_000 });
      await page.evaluate(() => (window.__sameDocument = true)); // gone if the page reloaded
      await row.getByText("Running").waitFor({ state: "detached", timeout: 60_000 });
      assert.equal(await page.evaluate(() => window.__sameDocument), true, "the list was polled, not reloaded");
      assert.notEqual(await row.locator("td").nth(2).innerText(), "0", "the finished turn's tokens are shown");
    }),
  );

  test(
    "lists, renames and deletes conversations",
    { timeout: 60_000 },
    step("list", async () => {
      await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant`);
      const rows = page.getByRole("row");
      await page.getByRole("link", { name: QUESTION }).first().waitFor();
      // the offline model is free: the month's spending stays at zero, against the default limit
      const usage = page.getByRole("region", { name: "Your assistant usage this month" });
      assert.match(await usage.innerText(), /spent \$0\.00 of your \$50\.00 limit; it resets on \w{3} \d{1,2}, \d{4}\./);
      await shot(page, "conversation-list");
      const before = await rows.count();
      await page.getByRole("button", { name: `Rename ${QUESTION}` }).first().click();
      await page.getByLabel("Title").fill("Cases by district");
      await page.keyboard.press("Enter");
      await page.getByRole("link", { name: "Cases by district" }).waitFor();
      await page.getByRole("button", { name: "Delete Cases by district" }).click();
      await page.getByRole("button", { name: "Confirm deleting Cases by district" }).click();
      await page.getByRole("link", { name: "Cases by district" }).waitFor({ state: "detached" });
      assert.equal(await rows.count(), before - 1);
    }),
  );

  test(
    "edits a question: a new branch replaces it and what followed, and the earlier one is a click away",
    { timeout: 180_000 },
    step("branches", async () => {
      const first = "How many districts are there?";
      const edited = "How many health facilities are there?";
      await newConversation(page);
      await send(page, first);
      await waitForTurnEnd(page);
      await send(page, "And which one had the most cases?");
      await waitForTurnEnd(page);
      const articles = messages(page).getByRole("article");
      assert.equal(await articles.count(), 4);
      const answerText = () => lastAnswer(page).locator(".markdown").first().innerText();
      const secondAnswer = await answerText();

      await page.getByRole("button", { name: `Edit and resend: “${first}”` }).click();
      const box = page.getByRole("textbox", { name: "Edit your message" });
      await box.fill(edited);
      await box.press("Enter");
      await waitForTurnEnd(page);
      await page.getByTestId("version-position").filter({ hasText: "2/2" }).waitFor();
      assert.equal(await articles.count(), 2, "the edit replaced the question and everything after it");
      assert.equal(await page.getByRole("article", { name: "Your message" }).innerText().then((t) => t.includes(edited)), true);
      await shot(page, "chat-branch-edited");

      // back to the earlier branch, whole
      await page.getByRole("button", { name: `Previous version: “${edited}”` }).click();
      await page.getByTestId("version-position").filter({ hasText: "1/2" }).waitFor();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="chat-scroller"] article').length === 4);
      assert.equal(await answerText(), secondAnswer);
      await shot(page, "chat-branch-switched-back");

      // and forward again; the page reloaded shows the branch chosen
      await page.getByRole("button", { name: `Next version: “${first}”` }).click();
      await page.getByTestId("version-position").filter({ hasText: "2/2" }).waitFor();
      await page.reload();
      await page.getByTestId("version-position").filter({ hasText: "2/2" }).waitFor();
      assert.equal(await articles.count(), 2);
    }),
  );
});
