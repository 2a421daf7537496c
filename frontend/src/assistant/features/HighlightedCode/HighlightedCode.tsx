import { memo, useEffect, useMemo, useState } from "react";
import type { highlight as Highlight } from "./highlight";

// Past this size a file is shown plain: highlighting it would hold up the page.
const MAX_HIGHLIGHTED_CHARS = 50_000;

let loading: Promise<typeof Highlight> | null = null;
let loaded: typeof Highlight | null = null;

/** The grammars, fetched once, the first time code in a language is shown. */
export function loadHighlighter(): Promise<typeof Highlight> {
  loading ??= import("./highlight").then((module) => (loaded = module.highlight));
  return loading;
}

/**
 * Code coloured by highlight.js's grammar for `language`, or plain when the language is
 * unknown or the code too long. Plain too while the grammars are on their way (they are not
 * part of the page's first load): the colours follow in place, the text never changes.
 */
const HighlightedCode = ({ code, language }: { code: string; language?: string | null }) => {
  const name = (language ?? "").toLowerCase();
  const wanted = Boolean(name) && code.length <= MAX_HIGHLIGHTED_CHARS;
  const [highlight, setHighlight] = useState<typeof Highlight | null>(() => loaded);
  useEffect(() => {
    if (!wanted || highlight) return;
    let active = true;
    loadHighlighter().then((loadedHighlight) => active && setHighlight(() => loadedHighlight), () => undefined);
    return () => {
      active = false;
    };
  }, [wanted, highlight]);
  const content = useMemo(() => (wanted && highlight ? (highlight(code, name) ?? code) : code), [code, name, wanted, highlight]);
  return <>{content}</>;
};

export default memo(HighlightedCode);
