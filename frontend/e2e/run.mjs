/**
 * `make test-e2e`: one stack for every browser test file. Starting a stack (a fresh
 * PostgreSQL cluster, migrations, the demo's seed, four servers) takes longer than most test
 * files, so it is started once here; the files then run one after the other against it
 * (each in its own node process, as `node --test` does), in the order of their names.
 * Files that change shared state put it back (the user's language) or run last
 * (settings.e2e: the workspace's instructions and saved questions).
 *
 * Arguments are passed to `node --test` (e.g. a single file); the default is every
 * `*.e2e.test.mjs` here.
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
let code = 1;
try {
  code = await new Promise((resolve) => {
    const child = spawn(process.execPath, ["--test", "--test-concurrency=1", "--test-timeout=600000", ...files], {
      cwd: FRONTEND_DIR,
      env: { ...process.env, E2E_SHARED_STACK: "1" },
      stdio: "inherit",
    });
    child.on("exit", (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
} finally {
  await stack.stop();
}
console.log(`browser tests: ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
process.exit(code);
