/**
 * `make test-e2e`: one stack for every browser test file. Starting a stack (a fresh
 * PostgreSQL cluster, migrations, the demo's seed, four servers) takes longer than most test
 * files, so it is started once here; the files then run against it, each in its own `node
 * --test` process with its own browser: first the files that time the page's work, one by
 * one (another browser's work beside them would be counted as theirs); then the others three
 * at a time (E2E_CONCURRENCY), the longest first so that the last ones to end are short. The
 * runner prints each file's wall time at the end.
 *
 * Files run at once cannot see each other: each logs in as people of its own (E2E_USER, an
 * admin of the demo workspace, and E2E_VIEWER, a viewer, both seeded here), so that one
 * file's conversations, language or usage are not another's. What they share is the
 * workspace (its bucket, database, settings, verified queries): every file passes whatever
 * the others have done there before or meanwhile.
 *
 * Arguments are the test files to run (e.g. a single one, `e2e/i18n.e2e.test.mjs`); the
 * default is every `*.e2e.test.mjs` here.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { RESULTS } from "./browser.mjs";
import { FRONTEND_DIR, TEST_FILES, peopleOf, startStack, stemOf } from "./stack.mjs";

const CONCURRENCY = Math.max(1, Number(process.env.E2E_CONCURRENCY || 3));
// The files whose assertions time the page (keys typed while a chart is drawn, a first load
// under throttling): alone.
const TIMED = ["security", "first-load"];
// The longest of the others (measured), started first; the rest follow in the order of their names.
const LONGEST = ["page", "responsive", "pipelines", "assistant", "trust", "charts", "i18n"];
const rank = (file) => (LONGEST.includes(stemOf(file)) ? LONGEST.indexOf(stemOf(file)) : LONGEST.length);
const files = process.argv.slice(2).length ? process.argv.slice(2) : TEST_FILES;
const timed = files.filter((file) => TIMED.includes(stemOf(file)));
const others = files.filter((file) => !TIMED.includes(stemOf(file))).sort((x, y) => rank(x) - rank(y));

fs.mkdirSync(RESULTS, { recursive: true });
for (const name of fs.readdirSync(RESULTS)) if (name.endsWith(".png")) fs.rmSync(path.join(RESULTS, name));

const started = Date.now();
const stack = await startStack({ admins: files.map((f) => peopleOf(f).user), viewers: files.map((f) => peopleOf(f).viewer) });
console.log(`e2e stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/**
 * Runs one test file in its own `node --test` process: its exit status and wall time. Its
 * output is held and printed whole when it ends, so that files run at once do not mix lines.
 */
function runFile(file) {
  const began = Date.now();
  const { user, viewer } = peopleOf(file);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--test", "--test-timeout=600000", file], {
      cwd: FRONTEND_DIR,
      env: { ...process.env, E2E_SHARED_STACK: "1", E2E_USER: user, E2E_VIEWER: viewer },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = [];
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
    child.on("close", (status, signal) => {
      process.stdout.write(`\n# ${path.basename(file)}\n${Buffer.concat(output).toString()}`);
      resolve({ file, status: status ?? (signal ? 1 : 0), seconds: (Date.now() - began) / 1000 });
    });
  });
}

const results = [];
try {
  for (const file of timed) results.push(await runFile(file));
  const queue = [...others];
  const lane = async () => {
    while (queue.length) results.push(await runFile(queue.shift()));
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, others.length) }, lane));
} finally {
  await stack.stop();
}
// where the time goes, file by file (the tests' own durations are in the TAP output above)
for (const { file, status, seconds } of results) {
  console.log(`${seconds.toFixed(1).padStart(7)} s  ${status === 0 ? "ok    " : "FAILED"}  ${path.basename(file)}`);
}
console.log(`browser tests: ${((Date.now() - started) / 1000).toFixed(1)} s in all, ${CONCURRENCY} files at a time`);
process.exit(results.length === files.length && results.every((result) => result.status === 0) ? 0 : 1);
