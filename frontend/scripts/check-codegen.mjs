/**
 * Fails when the committed generated files are not what graphql-codegen makes from the
 * backend's SDL and the documents: runs codegen, then compares every generated file with
 * what was there before (changed, new, or left over from a removed document), and asks git
 * for generated files that are not committed.
 *
 *   node scripts/check-codegen.mjs        (make test-frontend runs it)
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const src = path.join(root, "src");
const BASE_TYPES = path.join(src, "graphql", "types.ts");

function generatedFiles() {
  const found = new Map();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".generated.tsx") || full === BASE_TYPES) found.set(full, fs.readFileSync(full, "utf8"));
    }
  };
  walk(src);
  return found;
}

const rel = (file) => path.relative(path.dirname(root), file);
const before = generatedFiles();
const codegen = spawnSync(process.execPath, [path.join(root, "node_modules", "@graphql-codegen", "cli", "cjs", "bin.js"), "--config", "codegen.ts", "--silent"], {
  cwd: root,
  encoding: "utf8",
  timeout: 180_000,
});
if (codegen.status !== 0) {
  console.error(`graphql-codegen failed:\n${codegen.stdout}\n${codegen.stderr}`);
  process.exit(1);
}
const after = generatedFiles();
const problems = [];
for (const [file, content] of after) {
  if (!before.has(file)) problems.push(`new: ${rel(file)} (a document has no committed generated file)`);
  else if (before.get(file) !== content) problems.push(`changed: ${rel(file)}`);
}
for (const file of after.keys()) {
  if (file === BASE_TYPES) continue;
  const stem = file.slice(0, -".generated.tsx".length);
  if (![".graphql", ".tsx", ".ts"].some((extension) => fs.existsSync(stem + extension))) {
    problems.push(`stale: ${rel(file)} (its document is gone: delete it)`);
  }
}

const git = spawnSync("git", ["ls-files", "--others", "--exclude-standard", "--", "src"], { cwd: root, encoding: "utf8" });
if (git.status === 0 && !process.env.CODEGEN_CHECK_ALLOW_UNTRACKED) {
  for (const line of git.stdout.split("\n").filter(Boolean)) {
    const full = path.join(root, line);
    if (after.has(full)) problems.push(`untracked: ${rel(full)} (git add it)`);
  }
}

if (problems.length) {
  console.error("GraphQL codegen check failed: the generated files are not up to date with the schema and documents.");
  for (const problem of problems) console.error(`  ${problem}`);
  console.error("Run `npm run codegen` in frontend/ and commit the result.");
  process.exit(1);
}
console.log(`GraphQL codegen check: ${after.size} generated files up to date.`);
