const LANGUAGES: Record<string, string> = {
  py: "python",
  r: "r",
  sql: "sql",
  md: "markdown",
  markdown: "markdown",
  json: "json",
  geojson: "json",
  ipynb: "json",
  csv: "csv",
  tsv: "tsv",
  yml: "yaml",
  yaml: "yaml",
  js: "javascript",
  ts: "typescript",
  sh: "bash",
  html: "html",
  xml: "xml",
  txt: "text",
  log: "text",
};

/** The language of a file, from its extension ("text" when unknown). */
export function languageOf(path: string | null | undefined): string {
  const name = (path ?? "").split("/").pop() ?? "";
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return "text";
  const extension = name.slice(dot + 1).toLowerCase();
  return LANGUAGES[extension] ?? extension;
}
