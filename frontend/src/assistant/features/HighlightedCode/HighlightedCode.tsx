import { toJsxRuntime } from "hast-util-to-jsx-runtime";
import { common, createLowlight } from "lowlight";
import { memo, useMemo } from "react";
import { Fragment, jsx, jsxs } from "react/jsx-runtime";

// highlight.js's common languages (SQL, Python, R, JSON, YAML, Markdown, shell, …).
const lowlight = createLowlight(common);

// Past this size a file is shown plain: highlighting it would hold up the page.
const MAX_HIGHLIGHTED_CHARS = 50_000;

/**
 * Code coloured by highlight.js's grammar for `language` (token classes `hljs-*`, styled in
 * globals.css), or plain when the language is unknown or the code too long. The tokens are
 * built as React elements, never as HTML: the code is untrusted model or file output.
 */
const HighlightedCode = ({ code, language }: { code: string; language?: string | null }) => {
  const content = useMemo(() => {
    const name = (language ?? "").toLowerCase();
    if (!name || !lowlight.registered(name) || code.length > MAX_HIGHLIGHTED_CHARS) return code;
    return toJsxRuntime(lowlight.highlight(name, code), { Fragment, jsx, jsxs });
  }, [code, language]);
  return <>{content}</>;
};

export default memo(HighlightedCode);
