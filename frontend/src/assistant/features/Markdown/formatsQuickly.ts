/**
 * Whether an answer is cheap enough to format as Markdown. The parser's work grows with the
 * square of nested or unclosed brackets (60,000 characters of `[[[…]]]` took 6–9 s, the page
 * frozen), and deep block quotes or list indentation exhaust its stack; past these bounds the
 * answer is shown as plain text instead. One pass over the text, linear.
 */
export const MARKDOWN_MAX_CHARS = 40_000;
export const MAX_BRACKET_DEPTH = 32;
export const MAX_BRACKETS = 2_000;
export const MAX_QUOTE_DEPTH = 32; // `>` markers at the start of a line
export const MAX_INDENT = 128; // spaces before a line's text (nested lists)

export function formatsQuickly(text: string): boolean {
  if (text.length > MARKDOWN_MAX_CHARS) return false;
  let depth = 0;
  let brackets = 0;
  let lineStart = true;
  let quotes = 0;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      lineStart = true;
      quotes = 0;
      indent = 0;
      continue;
    }
    if (lineStart) {
      if (c === ">") quotes++;
      else if (c === " " || c === "\t") indent += c === "\t" ? 4 : 1;
      else lineStart = false;
      if (quotes > MAX_QUOTE_DEPTH || indent > MAX_INDENT) return false;
    }
    if (c === "[") {
      depth++;
      brackets++;
      if (depth > MAX_BRACKET_DEPTH || brackets > MAX_BRACKETS) return false;
    } else if (c === "]" && depth > 0) {
      depth--;
    }
  }
  return true;
}
