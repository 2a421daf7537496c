/**
 * An isolated stack for the browser tests: its own data directory (embedded PostgreSQL,
 * bucket, secrets), its own ports, the offline model, the backend (uvicorn), one worker
 * for assistant turns (`manage.py assistant_worker`: the backend only stores turns and
 * streams their events), the DHIS2 demo server and a pipelines worker (the pipelines the
 * assistant runs read DHIS2) and the production build of the page (`next start` on the
 * build made for this backend).
 *
 * Every process is started in its own process group and killed with it, on success, on
 * failure and on Ctrl-C; every wait has a deadline.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FRONTEND_DIR = path.resolve(here, "..");
export const REPO_DIR = path.resolve(FRONTEND_DIR, "..");
export const PYTHON = process.env.E2E_PYTHON || path.join(REPO_DIR, ".venv", "bin", "python");

export const E2E = {
  dataDir: process.env.E2E_DATA_DIR || path.join(REPO_DIR, ".data", "e2e"),
  backendPort: Number(process.env.E2E_BACKEND_PORT || 8100),
  modelPort: Number(process.env.E2E_MODEL_PORT || 8187),
  webPort: Number(process.env.E2E_WEB_PORT || 3100),
  // the DHIS2 demo server of the demo's `dhis2-demo` connection
  dhis2Port: Number(process.env.E2E_DHIS2_PORT || 8188),
  distDir: process.env.E2E_DIST_DIR || ".next-e2e",
  // A question containing this marker takes a few seconds to answer (each model call waits
  // the latency, then streams a word every chunk delay), so that a page can watch the answer
  // grow, be reloaded or stopped in the middle of it; every other question is answered at once.
  pacedMarker: "(slowly)",
  modelLatency: process.env.E2E_MODEL_LATENCY || "0.8",
  modelChunkDelay: process.env.E2E_MODEL_CHUNK_DELAY || "0.04",
};

/** Every browser test file, by the order of its name. */
export const TEST_FILES = fs
  .readdirSync(here)
  .filter((name) => name.endsWith(".e2e.test.mjs"))
  .sort()
  .map((name) => path.join("e2e", name));
export const stemOf = (file) => path.basename(file).replace(/\.e2e\.test\.mjs$/, "");
/** The people a test file logs in as under `e2e/run.mjs`: an admin and a viewer of the demo
 * workspace of its own (browser.mjs: USER, VIEWER). */
export const peopleOf = (file) => ({ user: `e2e-${stemOf(file)}@openhexa.org`, viewer: `e2e-${stemOf(file)}-viewer@openhexa.org` });

export const backendUrl = () => `http://127.0.0.1:${E2E.backendPort}`;
export const webUrl = () => `http://127.0.0.1:${E2E.webPort}`;

const running = new Set();

function killGroup(child, signal = "SIGTERM") {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function killAllNow() {
  for (const child of running) killGroup(child, "SIGKILL");
  running.clear();
}
process.on("exit", killAllNow);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    killAllNow();
    stopPostgres();
    process.exit(130);
  });
}

function backendEnv(extra = {}) {
  return {
    ...process.env,
    HEXA_DATA_DIR: E2E.dataDir,
    WORKSPACE_BUCKETS_ROOT: path.join(E2E.dataDir, "buckets"),
    DATABASE_URL: "",
    WORKSPACES_DATABASE_URL: "",
    ANTHROPIC_API_KEY: "offline-demo",
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${E2E.modelPort}`,
    ASSISTANT_OFFLINE_MODEL: "true",
    ASSISTANT_RATE_LIMIT: "1000/m",
    // seed_demo points the demo's DHIS2 connection at this stack's DHIS2 demo server
    DHIS2_URL: "",
    DHIS2_DEMO_PORT: String(E2E.dhis2Port),
    DHIS2_DEMO_DATA: path.join(E2E.dataDir, "dhis2_demo.json"),
    PIPELINE_SERVER_URL: backendUrl(),
    DEBUG: "false",
    PYTHONUNBUFFERED: "1",
    ...extra,
  };
}

/** Runs `manage.py` with `args` against the stack's database (e.g. to seed rows faster than the page could); its output. */
export function manage(...args) {
  return run(PYTHON, ["manage.py", ...args], { env: backendEnv(), timeoutMs: 120_000 });
}

function logFile(name) {
  const dir = path.join(FRONTEND_DIR, "test-results", "logs");
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.log`);
}

/** Runs a command to its end (with a deadline); throws with its output on failure. */
export function run(command, args, { env, cwd = REPO_DIR, timeoutMs = 300_000, name } = {}) {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL" });
  if (name) fs.writeFileSync(logFile(name), `${result.stdout ?? ""}\n${result.stderr ?? ""}`);
  if (result.error || result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`}):\n` +
        `${(result.stdout ?? "").slice(-2000)}\n${(result.stderr ?? "").slice(-4000)}`,
    );
  }
  return result.stdout;
}

/** As `run`, without blocking the servers' start meanwhile: resolves at its end. */
function runToEnd(command, args, { env, cwd = REPO_DIR, timeoutMs = 300_000, name }) {
  const child = start(name, command, args, { env, cwd });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), timeoutMs);
    child.on("exit", (status, signal) => {
      clearTimeout(timer);
      if (status === 0) return resolve();
      const log = fs.readFileSync(logFile(name), "utf8");
      reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? `exit ${status}`}):\n${log.slice(-4000)}`));
    });
  });
}

function start(name, command, args, { env, cwd = REPO_DIR } = {}) {
  const out = fs.openSync(logFile(name), "w");
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  child.label = name;
  running.add(child);
  child.on("exit", () => running.delete(child));
  return child;
}

/** Waits until `url` answers over HTTP (any status). */
export async function waitForHttp(url, child, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      const log = fs.existsSync(logFile(child.label)) ? fs.readFileSync(logFile(child.label), "utf8").slice(-3000) : "";
      throw new Error(`${child.label} exited (${child.exitCode ?? child.signalCode}) before answering:\n${log}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/** Waits until the log of `child` says `pattern` (the process must stay up meanwhile). */
export async function waitForLog(child, pattern, timeoutMs = 120_000) {
  const file = logFile(child.label);
  const readLog = () => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pattern.test(readLog())) return;
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${child.label} exited (${child.exitCode ?? child.signalCode}) before logging ${pattern}:\n${readLog().slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${child.label} did not log ${pattern} within ${timeoutMs / 1000} s:\n${readLog().slice(-3000)}`);
}

/** Fails if something already listens on `port`: the tests must not talk to a stale server. */
function assertPortFree(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setTimeout(2000);
    socket.once("connect", () => {
      socket.destroy();
      reject(new Error(`Port ${port} is already in use: stop what listens there (or set E2E_*_PORT).`));
    });
    socket.once("error", () => resolve());
    socket.once("timeout", () => {
      socket.destroy();
      resolve();
    });
  });
}

export function stopPostgres() {
  spawnSync(PYTHON, ["config/local_postgres.py", "stop"], {
    cwd: REPO_DIR,
    env: backendEnv(),
    timeout: 90_000,
    stdio: "ignore",
  });
}

/**
 * A fresh data directory, migrated and seeded; then the three servers. `admins` and `viewers`:
 * more people in the demo workspace (their emails; the demo's password). Under `e2e/run.mjs`
 * (E2E_SHARED_STACK=1) the stack is already up for every test file: this only checks it
 * answers, and `stop()` leaves it to the runner.
 */
export async function startStack({ admins = [], viewers = [] } = {}) {
  if (process.env.E2E_SHARED_STACK === "1") {
    await waitForHttp(`${webUrl()}/login`, null, 10_000);
    await waitForHttp(`${backendUrl()}/graphql/`, null, 10_000);
    return { async stop() {} };
  }
  if (!fs.existsSync(path.join(FRONTEND_DIR, E2E.distDir, "BUILD_ID"))) {
    throw new Error(`No build in frontend/${E2E.distDir}: run \`make test-e2e\` (it builds the page for this stack).`);
  }
  for (const port of [E2E.backendPort, E2E.modelPort, E2E.webPort, E2E.dhis2Port]) await assertPortFree(port);
  stopPostgres(); // a server left by an interrupted run
  fs.rmSync(E2E.dataDir, { recursive: true, force: true });
  fs.mkdirSync(E2E.dataDir, { recursive: true });
  const env = backendEnv();
  const began = Date.now();
  const since = () => `${((Date.now() - began) / 1000).toFixed(1)} s`;
  // What needs no database starts while it is migrated: the model and the page's server.
  const model = start(
    "model",
    PYTHON,
    [
      "-m",
      "hexa.assistant.local_model",
      "--host",
      "127.0.0.1",
      "--port",
      String(E2E.modelPort),
      "--latency",
      E2E.modelLatency,
      "--chunk-delay",
      E2E.modelChunkDelay,
      "--paced-only",
      E2E.pacedMarker,
    ],
    { env },
  );
  const web = start("web", process.execPath, [path.join(FRONTEND_DIR, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(E2E.webPort), "-H", "127.0.0.1"], {
    cwd: FRONTEND_DIR,
    env: {
      ...process.env,
      NEXT_DIST_DIR: E2E.distDir,
      BACKEND_URL: backendUrl(),
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
    },
  });
  await runToEnd(PYTHON, ["manage.py", "migrate", "--noinput"], { env, name: "migrate", timeoutMs: 240_000 });
  console.log(`e2e stack: migrated at ${since()}`);
  // The demo is seeded while the backend and the workers start (they only need the tables).
  const backend = start(
    "backend",
    path.join(path.dirname(PYTHON), "uvicorn"),
    ["config.asgi:application", "--host", "127.0.0.1", "--port", String(E2E.backendPort), "--no-access-log"],
    { env },
  );
  // Turns run on workers, not in the backend: without one, every turn would wait forever.
  const worker = start("worker", PYTHON, ["manage.py", "assistant_worker"], { env });
  const pipelines = start("pipelines", PYTHON, ["manage.py", "pipelines_worker", "--concurrency", "2"], { env });
  const members = [...admins.flatMap((email) => ["--admin", email]), ...viewers.flatMap((email) => ["--viewer", email])];
  await runToEnd(PYTHON, ["manage.py", "seed_demo", ...members], { env, name: "seed_demo", timeoutMs: 240_000 });
  console.log(`e2e stack: seeded at ${since()}`);
  // the DHIS2 demo server serves the snapshot the seed wrote
  const dhis2 = start(
    "dhis2",
    PYTHON,
    ["-m", "hexa.dhis2_demo", "--host", "127.0.0.1", "--port", String(E2E.dhis2Port), "--data", env.DHIS2_DEMO_DATA],
    { env },
  );
  await waitForHttp(`http://127.0.0.1:${E2E.modelPort}/`, model);
  await waitForHttp(`${backendUrl()}/graphql/`, backend);
  await waitForLog(worker, /Starting worker/);
  await waitForHttp(`http://127.0.0.1:${E2E.dhis2Port}/api/system/info`, dhis2);
  await waitForLog(pipelines, /Starting worker/);
  await waitForHttp(`${webUrl()}/login`, web);
  console.log(`e2e stack: serving at ${since()}`);
  const children = [web, worker, pipelines, dhis2, backend, model];
  return {
    async stop() {
      for (const child of children) killGroup(child, "SIGTERM");
      // a worker drains its running turns on SIGTERM: none should be left when the tests end
      const deadline = Date.now() + 10_000;
      while (children.some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const child of children) killGroup(child, "SIGKILL");
      stopPostgres();
    },
  };
}

/** The directory of a workspace bucket on disk. */
export function bucketDir(bucketName) {
  return path.join(E2E.dataDir, "buckets", bucketName);
}

// `node e2e/stack.mjs`: start the stack and keep it up (to look at the page by hand; with
// E2E_SHARED_STACK=1, `node --test e2e/<file>` then runs against it, as the demo's people or,
// with E2E_USER and E2E_VIEWER, as the file's own: `peopleOf`).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const stack = await startStack({ admins: TEST_FILES.map((f) => peopleOf(f).user), viewers: TEST_FILES.map((f) => peopleOf(f).viewer) });
  console.log(`e2e stack up: ${webUrl()} (backend ${backendUrl()}); Ctrl-C stops it`);
  process.on("SIGINT", async () => {
    await stack.stop();
    process.exit(0);
  });
  setInterval(() => undefined, 1 << 30);
}
