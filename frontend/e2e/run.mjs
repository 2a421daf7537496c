/**
 * `make test-e2e`: one stack for every browser test file. Starting a stack (a fresh
 * PostgreSQL cluster, migrations, the demo's seed, four servers) takes longer than most test
 * files, so it is started once here; the files then run one after the other against it
 * (each in its own `node --test` process), in the order of their names; the runner prints
 * each file's wall time at the end.
 * Files that change shared state put it back (the user's language) or run last
 * (settings.e2e: the workspace's instructions and saved questions).
 *
 * Arguments are the test files to run (e.g. a single one, `e2e/i18n.e2e.test.mjs`); the
 * default is every `*.e2e.test.mjs` here.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RESULTS } from "./browser.mjs";
import { FRONTEND_DIR, startStack } from "./stack.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : fs.readdirSync(here).filter((name) => name.endsWith(".e2e.test.mjs")).sort().map((name) => path.join("e2e", name));

fs.mkdirSync(RESULTS, { recursive: true });
for (const name of fs.readdirSync(RESULTS)) if (name.endsWith(".png")) fs.rmSync(path.join(RESULTS, name));

const started = Date.now();
const stack = await startStack();
console.log(`e2e stack up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
/** Runs one test file in its own `node --test` process: its exit status and wall time. */
function runFile(file) {
  const began = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--test", "--test-timeout=600000", file], {
      cwd: FRONTEND_DIR,
      env: { ...process.env, E2E_SHARED_STACK: "1" },
      stdio: "inherit",
    });
    child.on("exit", (status, signal) => resolve({ file, status: status ?? (signal ? 1 : 0), seconds: (Date.now() - began) / 1000 }));
  });
}

const results = [];
try {
  for (const file of files) results.push(await runFile(file));
} finally {
  await stack.stop();
}
// where the time goes, file by file (the tests' own durations are in the TAP output above)
for (const { file, status, seconds } of results) {
  console.log(`${seconds.toFixed(1).padStart(7)} s  ${status === 0 ? "ok    " : "FAILED"}  ${path.basename(file)}`);
}
console.log(`browser tests: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
process.exit(results.length === files.length && results.every((result) => result.status === 0) ? 0 : 1);
