/**
 * Every string the page shows through `t("…")` has its French, and the catalogues hold
 * nothing that the code no longer uses: a new string cannot be forgotten.
 */
import fs from "fs";
import path from "path";
import en from "./en.json";
import fr from "./fr.json";

const SRC = path.join(__dirname, "..");
// The one module that calls i18next's own `t` with a variable.
const SKIPPED = new Set([path.join(SRC, "core", "helpers", "i18n.ts")]);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    if (!/\.tsx?$/.test(entry.name) || /\.test\.tsx?$/.test(entry.name) || /\.generated\.tsx?$/.test(entry.name)) return [];
    return SKIPPED.has(full) ? [] : [full];
  });
}

/** Each `t(` call's first argument: the key when it is a string literal, null when it is not. */
function calls(source: string): (string | null)[] {
  const found: (string | null)[] = [];
  const call = /(?<![\w$.])t\(\s*/g;
  let match: RegExpExecArray | null;
  while ((match = call.exec(source))) {
    const rest = source.slice(match.index + match[0].length);
    const literal = /^"(?:[^"\\\n]|\\.)*"(?=\s*[,)])/.exec(rest);
    found.push(literal ? (JSON.parse(literal[0]) as string) : null);
  }
  return found;
}

const files = sourceFiles(SRC);
const used = new Map<string, string>(); // key → a file that uses it
const nonLiteral: string[] = [];
for (const file of files) {
  const source = fs.readFileSync(file, "utf8");
  for (const key of calls(source)) {
    if (key === null) nonLiteral.push(path.relative(SRC, file));
    else if (!used.has(key)) used.set(key, path.relative(SRC, file));
  }
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const pluralKeys = new Set(Object.keys(en).map((key) => key.replace(PLURAL_SUFFIX, "")));
const placeholders = (text: string) =>
  [...text.matchAll(/\{\{\s*(\w+)[^}]*\}\}/g)].map((m) => m[1]).sort().join(",");

function categories(language: string): string[] {
  return new Intl.PluralRules(language).resolvedOptions().pluralCategories;
}

describe("translations", () => {
  it("finds the strings of the page", () => {
    expect(files.length).toBeGreaterThan(20);
    expect(used.size).toBeGreaterThan(100);
    expect(used.get("Send")).toBe(path.join("assistant", "features", "MessageComposer", "MessageComposer.tsx"));
  });

  it("has only literal keys, so that they can be checked", () => {
    expect(nonLiteral).toEqual([]);
  });

  it("has the French of every string", () => {
    const missing: string[] = [];
    for (const [key, file] of used) {
      const wanted = pluralKeys.has(key) ? categories("fr").map((c) => `${key}_${c}`) : [key];
      for (const entry of wanted) if (!(entry in fr)) missing.push(`${entry}  (${file})`);
    }
    expect(missing).toEqual([]);
  });

  it("has English plural forms for each plural string", () => {
    const missing: string[] = [];
    for (const key of pluralKeys) {
      for (const c of categories("en")) if (!(`${key}_${c}` in en)) missing.push(`${key}_${c}`);
    }
    expect(missing).toEqual([]);
  });

  it("keeps no translation that the code no longer uses", () => {
    const unused = (catalogue: Record<string, string>) =>
      Object.keys(catalogue).filter((entry) => {
        const base = entry.replace(PLURAL_SUFFIX, "");
        return !used.has(entry) && !(pluralKeys.has(base) && used.has(base));
      });
    expect(unused(fr)).toEqual([]);
    expect(unused(en)).toEqual([]);
  });

  it("keeps every placeholder of the English in the French", () => {
    const wrong = Object.entries(fr as Record<string, string>).filter(([entry, text]) => {
      const base = entry.replace(PLURAL_SUFFIX, "");
      const english = pluralKeys.has(base) ? (en as Record<string, string>)[`${base}_other`] : entry;
      return placeholders(english) !== placeholders(text);
    });
    expect(wrong).toEqual([]);
  });

  it("has no empty entry", () => {
    expect(Object.entries(fr).filter(([, text]) => !text.trim())).toEqual([]);
  });
});
