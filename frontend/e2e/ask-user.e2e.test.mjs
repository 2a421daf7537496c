/**
 * Turns that wait for the user, in a real browser against the offline model: a question
 * answered by a click or by typing, a page reloaded while the turn waits, and an approved
 * write after which the same turn goes on. `make test-e2e`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { SLUG, graphql, lastAnswer, login, newConversation, send, shot, step, useStack, waitForTurnEnd } from "./browser.mjs";
import { bucketDir } from "./stack.mjs";

let page;
let bucket;

useStack({ logPageErrors: true, setUp: (session) => ({ page } = session) });


/** Logs in as the demo workspace's admin and notes the workspace's bucket. */
async function loginAndFindBucket() {
  await login(page);
  const result = await graphql(page, `query ($slug: String!) { workspace(slug: $slug) { bucket { name } } }`, { slug: SLUG });
  bucket = result.data.workspace.bucket.name;
}

const questionCard = () => page.getByRole("region", { name: "Question from the assistant" });

describe("turns that wait for the user", { concurrency: false }, () => {
  test(
    "a question answered by a click: the same turn goes on, also after a reload",
    { timeout: 180_000 },
    step("ask-click", async () => {
      await loginAndFindBucket();
      const id = await newConversation(page);
      await send(page, "Chart the malaria cases over time");
      await questionCard().getByText("Per year or per month?").waitFor({ timeout: 60_000 });
      await waitForTurnEnd(page);
      assert.equal(await questionCard().getByRole("textbox").count(), 0, "only the choices: free text is not allowed");
      await page.getByText("Waiting for you: answer above, or write a new message.").waitFor();
      await shot(page, "question-card");

      // a reload while the turn waits shows the question again
      await page.reload();
      await questionCard().getByRole("button", { name: "Per year" }).waitFor();
      const state = await graphql(page, 
        `query ($id: UUID!) { assistantConversation(id: $id) { isRunning messages { items { role status awaiting { status } } } } }`,
        { id },
      );
      const waiting = state.data.assistantConversation.messages.items.at(-1);
      assert.equal(waiting.status, "WAITING");
      assert.deepEqual(waiting.awaiting, [{ status: "AWAITING_ANSWER" }]);
      assert.equal(state.data.assistantConversation.isRunning, false, "a waiting turn holds nothing");

      await questionCard().getByRole("button", { name: "Per year" }).click();
      // the same answer goes on: the query per year, its table, in the one assistant message
      const table = lastAnswer(page).locator(".markdown table");
      await table.waitFor({ timeout: 60_000 });
      await waitForTurnEnd(page);
      assert.match(await table.textContent(), /2022.*2023.*2024/s);
      await questionCard().getByText("Your answer: Per year").waitFor();
      assert.equal(await page.getByRole("article", { name: "Assistant's answer" }).count(), 1, "one turn, resumed");
      await shot(page, "question-answered");
    }),
  );

  test(
    "a question answered by typing, from the keyboard",
    { timeout: 120_000 },
    step("ask-type", async () => {
      await newConversation(page);
      await send(page, "Ask me what to look at");
      const field = questionCard().getByRole("textbox", { name: "Your answer" });
      await field.waitFor({ timeout: 60_000 });
      await waitForTurnEnd(page);
      await field.click();
      await field.fill("The database, please");
      await page.keyboard.press("Enter");
      await lastAnswer(page).getByText("The database, then.").waitFor({ timeout: 60_000 });
      await waitForTurnEnd(page);
      await lastAnswer(page).getByTestId("tool-execution").filter({ hasText: "Described tables" }).waitFor();
      await questionCard().getByText("Your answer: The database, please").waitFor();
    }),
  );

  test(
    "an approved write: the same turn goes on and says where the file is",
    { timeout: 120_000 },
    step("approve-resumes", async () => {
      const file = path.join(bucketDir(bucket), "reports", "e2e_summary.md");
      fs.rmSync(file, { force: true });
      await newConversation(page);
      await send(page, "Write a summary to reports/e2e_summary.md then tell me where it is");
      const card = page.getByRole("region", { name: "Proposed write to reports/e2e_summary.md" });
      await card.waitFor({ timeout: 60_000 });
      await waitForTurnEnd(page);
      assert.equal(fs.existsSync(file), false, "nothing is written before approval");
      await card.getByRole("button", { name: "Approve writing reports/e2e_summary.md" }).click();
      await lastAnswer(page).getByText(/the file is saved at/).waitFor({ timeout: 60_000 });
      await waitForTurnEnd(page);
      assert.match(await lastAnswer(page).textContent(), /saved at reports\/e2e_summary\.md/);
      assert.ok(fs.existsSync(file), `${file} exists after approval`);
      assert.equal(await page.getByRole("article", { name: "Assistant's answer" }).count(), 1, "one turn, resumed");
      await shot(page, "approval-resumed");
    }),
  );
});
