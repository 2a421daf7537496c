import clsx from "clsx";
import { type ComponentType, memo, useEffect, useState } from "react";
import { useTranslation } from "core/helpers/i18n";
import { formatsQuickly } from "./formatsQuickly";

type Formatter = ComponentType<{ children: string }>;
let loading: Promise<Formatter> | null = null;
let loaded: Formatter | null = null;

/** The formatter (FormattedMarkdown.tsx), fetched once. */
export function loadMarkdown(): Promise<Formatter> {
  loading ??= import("./FormattedMarkdown").then((module) => (loaded = module.default));
  return loading;
}

// Fetched as soon as a page that shows answers has started, beside its data rather than
// before its first drawing: by the time the conversation's messages arrive it is usually here.
if (typeof window !== "undefined") loadMarkdown().catch(() => undefined);

/** The formatter once it is loaded (null until then). */
function useFormatter(): Formatter | null {
  const [formatter, setFormatter] = useState<Formatter | null>(() => loaded);
  useEffect(() => {
    if (formatter) return;
    let active = true;
    loadMarkdown().then((component) => active && setFormatter(() => component), () => undefined);
    return () => {
      active = false;
    };
  }, [formatter]);
  return formatter;
}

/**
 * The model's answer as Markdown (GitHub tables included). Model output is untrusted: raw
 * HTML is dropped, link URLs go through react-markdown's sanitiser, and images are shown as
 * links, never loaded (an image URL could carry data out of the workspace). Until the
 * formatter has arrived, the text shows as it is.
 */
const Markdown = ({ children, className }: { children: string; className?: string }) => {
  const { t } = useTranslation();
  const Formatted = useFormatter();
  if (!formatsQuickly(children)) {
    // Too long or too deeply nested to format without freezing the page: the text as it is.
    return (
      <div className={clsx("text-sm leading-6 text-gray-900", className)}>
        <div className="break-words whitespace-pre-wrap" data-testid="markdown-plain">
          {children}
        </div>
        <p className="mt-1 text-xs text-gray-500">{t("Shown as plain text: too long or too nested to format.")}</p>
      </div>
    );
  }
  if (!Formatted) {
    return <div className={clsx("text-sm leading-6 break-words whitespace-pre-wrap text-gray-900", className)}>{children}</div>;
  }
  return (
    <div className={clsx("markdown text-sm leading-6 text-gray-900", className)}>
      <Formatted>{children}</Formatted>
    </div>
  );
};

export default memo(Markdown);
