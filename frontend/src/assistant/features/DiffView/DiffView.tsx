import clsx from "clsx";
import { useTranslation } from "core/helpers/i18n";

export function diffLineKind(line: string): "added" | "removed" | "hunk" | "header" | "context" {
  if (line.startsWith("+++") || line.startsWith("---")) return "header";
  if (line.startsWith("+")) return "added";
  if (line.startsWith("-")) return "removed";
  if (line.startsWith("@@")) return "hunk";
  return "context";
}

const CLASSES = {
  added: "bg-green-50 text-green-800",
  removed: "bg-red-50 text-red-800",
  hunk: "bg-blue-50 text-blue-700",
  header: "text-gray-600",
  context: "text-gray-700",
};

/** A unified diff, each line coloured by what it does. */
const DiffView = ({ diff }: { diff: string }) => {
  const { t } = useTranslation();
  const lines = diff.replace(/\n$/, "").split("\n");
  return (
    <pre
      className="max-h-96 overflow-auto rounded-md border border-gray-200 bg-white py-2 font-mono text-xs leading-5 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
      aria-label={t("Changes")}
      // long lines scroll sideways rather than wrap a character per line on a phone; the keyboard scrolls too
      tabIndex={0}
    >
      <code className="block w-max min-w-full">
        {lines.map((line, index) => {
          const kind = diffLineKind(line);
          return (
            <div key={index} data-diff={kind} className={clsx("px-3 whitespace-pre", CLASSES[kind])}>
              {line || " "}
            </div>
          );
        })}
      </code>
    </pre>
  );
};

export default DiffView;
