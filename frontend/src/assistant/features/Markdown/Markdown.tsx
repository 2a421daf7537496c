import clsx from "clsx";
import { type ComponentProps, memo } from "react";
import ReactMarkdown, { Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import HighlightedCode from "assistant/features/HighlightedCode";
import { t, useTranslation } from "core/helpers/i18n";
import { formatsQuickly } from "./formatsQuickly";

// Wide tables and code scroll sideways: as regions the keyboard can scroll (named for screen readers).
const ScrollingTable = (props: ComponentProps<"table">) => {
  const { t } = useTranslation();
  return (
    <div
      className="my-3 overflow-x-auto rounded-md border border-gray-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
      tabIndex={0}
      role="region"
      aria-label={t("Table")}
    >
      <table className="min-w-full divide-y divide-gray-200 text-sm" {...props} />
    </div>
  );
};

const ScrollingCode = (props: ComponentProps<"pre">) => {
  const { t } = useTranslation();
  return (
    <pre
      className="code-dark my-2 overflow-x-auto rounded-md bg-gray-900 p-3 text-xs leading-5 text-gray-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
      tabIndex={0}
      role="region"
      aria-label={t("Code")}
      {...props}
    />
  );
};

/**
 * The model's answer as Markdown (GitHub tables included). Model output is untrusted: raw
 * HTML is dropped, link URLs go through react-markdown's sanitiser, and images are shown as
 * links, never loaded (an image URL could carry data out of the workspace).
 */
const components: Components = {
  table: ({ node, ...props }) => <ScrollingTable {...props} />,
  thead: ({ node, ...props }) => <thead className="bg-gray-50" {...props} />,
  th: ({ node, ...props }) => (
    <th className="px-3 py-1.5 text-left text-xs font-semibold whitespace-nowrap text-gray-700" {...props} />
  ),
  td: ({ node, ...props }) => <td className="border-t border-gray-100 px-3 py-1 whitespace-nowrap text-gray-800" {...props} />,
  a: ({ node, href, children, ...props }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="text-blue-700 underline" {...props}>
      {children}
    </a>
  ),
  img: ({ src, alt }) => (
    <span className="text-gray-500">
      [{alt || "image"}]{typeof src === "string" && src ? ` (${src})` : ""}
    </span>
  ),
  pre: ({ node, ...props }) => <ScrollingCode {...props} />,
  code: ({ node, className, children, ...props }) => {
    const language = /language-([\w+#-]+)/.exec(className ?? "")?.[1];
    const block = Boolean(language) || String(children).includes("\n");
    return (
      <code
        className={clsx(
          className,
          !block && "rounded bg-gray-100 px-1 py-0.5 font-mono text-[0.85em] text-gray-800",
          block && "font-mono",
        )}
        {...props}
      >
        {language && typeof children === "string" ? <HighlightedCode code={children} language={language} /> : children}
      </code>
    );
  },
};

const Markdown = ({ children, className }: { children: string; className?: string }) => {
  const { t } = useTranslation();
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
  return (
    <div className={clsx("markdown text-sm leading-6 text-gray-900", className)}>
      <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml components={components}>
        {children}
      </ReactMarkdown>
    </div>
  );
};

export default memo(Markdown);
