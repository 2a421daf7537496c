import type { TFunction } from "core/helpers/i18n";

const EXCERPT_CHARS = 40;

/** The start of a text on one line, cut at a word with "…" past `max` characters. */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  const line = text.replace(/\s+/g, " ").trim();
  if (line.length <= max) return line;
  const cut = line.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * The name of a control repeated on the page, by what it acts on ("Copy: “Which districts…”"):
 * its visible words first, so that speech and sight agree, then what it is for.
 */
export function actsOn(t: TFunction, action: string, target: string): string {
  const text = excerpt(target);
  return text ? t("{{action}}: {{target}}", { action, target: t("“{{text}}”", { text }) }) : action;
}
