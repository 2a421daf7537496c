/**
 * highlight.js's grammars (through lowlight) and the step from its token tree to React
 * elements: the heaviest part of the chat's code (about 160 kB), so HighlightedCode fetches
 * this module the first time code in a known language is shown, never on the first load.
 */
import { toJsxRuntime } from "hast-util-to-jsx-runtime";
import { common, createLowlight } from "lowlight";
import type { ReactNode } from "react";
import { Fragment, jsx, jsxs } from "react/jsx-runtime";

// highlight.js's common languages (SQL, Python, R, JSON, YAML, Markdown, shell, …).
const lowlight = createLowlight(common);

/**
 * `code` coloured by the grammar of `language` (token classes `hljs-*`, styled in globals.css),
 * as React elements, never as HTML (the code is untrusted model or file output); null when
 * the language is unknown.
 */
export function highlight(code: string, language: string): ReactNode | null {
  if (!lowlight.registered(language)) return null;
  return toJsxRuntime(lowlight.highlight(language, code), { Fragment, jsx, jsxs });
}
