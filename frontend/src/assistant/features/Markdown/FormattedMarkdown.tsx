/**
 * The Markdown formatter (react-markdown with GitHub's extensions, about 120 kB): fetched by
 * Markdown.tsx apart from the page's first scripts.
 */
import clsx from "clsx";
import type { ComponentProps } from "react";
import ReactMarkdown, { Components } from "react-markdown";
import remarkGfm from "remark-gfm";
import HighlightedCode from "assistant/features/HighlightedCode";
import { useTranslation } from "core/helpers/i18n";

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
 * How each element is drawn. Model output is untrusted: raw HTML is dropped (`skipHtml`),
 * link URLs go through react-markdown's sanitiser, and images are shown as links, never
 * loaded (an image URL could carry data out of the workspace).
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

/** `children` formatted as Markdown. */
const FormattedMarkdown = ({ children }: { children: string }) => (
  <ReactMarkdown remarkPlugins={[remarkGfm]} skipHtml components={components}>
    {children}
  </ReactMarkdown>
);

export default FormattedMarkdown;
