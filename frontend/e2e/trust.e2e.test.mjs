/**
 * Answers people can trust, in a real browser against the offline model and the real
 * workers: follow-up questions under an answer (a click sends one), an answer's query marked
 * as verified and the mark on the answer, and the admin's evaluations page running the demo's
 * 20 questions (its run adds 20 conversations to the list of the admin who runs it: this
 * file's own, under `e2e/run.mjs`).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { QUESTION, SLUG, USER, lastAnswer, login, messages, newConversation, send, step, useStack, waitForTurnEnd } from "./browser.mjs";
import { webUrl } from "./stack.mjs";

let context;
let page;

useStack({ logPageErrors: true, setUp: (session) => ({ page, context } = session) });

describe("answers people can trust", { concurrency: false }, () => {
  test(
    "follow-up questions are shown under the answer and a click sends one; the answer's query is verified",
    { timeout: 180_000 },
    step("trust-follow-ups", async () => {
      await context.clearCookies();
      await login(page, USER);
      await newConversation(page);
      await send(page, QUESTION);
      await waitForTurnEnd(page);
      const suggestions = lastAnswer(page).getByRole("navigation", { name: "Follow-up questions" });
      await suggestions.waitFor({ timeout: 30_000 });
      await lastAnswer(page).getByRole("button", { name: "Mark the query as verified" }).click();
      await lastAnswer(page).getByText(`Verified query — verified by ${USER}`).waitFor();
      const first = await suggestions.getByRole("button").first().innerText();
      await suggestions.getByRole("button").first().click();
      await messages(page).getByRole("article", { name: "Your message" }).getByText(first).waitFor();
      await waitForTurnEnd(page);
      assert.equal(await page.getByRole("article", { name: "Your message" }).count(), 2);
    }),
  );

  test(
    "an admin runs the demo's evaluation and reads each question's grade",
    { timeout: 420_000 },
    step("trust-evaluations", async () => {
      await page.goto(`${webUrl()}/workspaces/${SLUG}/assistant/settings`);
      await page.getByRole("link", { name: /^Evaluations:/ }).click();
      await page.waitForURL(new RegExp(`/workspaces/${SLUG}/assistant/evaluations$`));
      const questions = page.getByRole("region", { name: "Evaluation questions" });
      await questions.getByText("How many districts are there?").waitFor();
      await page.getByRole("button", { name: "Run evaluation" }).click();
      const results = page.getByRole("region", { name: "Run results" });
      await results.waitFor();
      await page.getByText(/\d+ of 20 passed \(\d+ %\)/).waitFor({ timeout: 360_000 });
      await results.getByText("Passed").first().waitFor();
      await results.getByText(/^Failed: /).first().waitFor();
      assert.equal(await results.getByRole("link").count(), 20);  // each question opens its conversation
    }),
  );
});
