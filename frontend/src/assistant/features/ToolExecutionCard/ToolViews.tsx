/**
 * The ways a tool call's input and output are shown. Which tool uses which is said once, in
 * `toolConfig.tsx`.
 */
import clsx from "clsx";
import Badge from "core/components/Badge";
import { useTranslation } from "core/helpers/i18n";
import { formatNumber, formatSize } from "assistant/helpers/format";
import HighlightedCode from "assistant/features/HighlightedCode";
import { languageOf } from "assistant/helpers/language";
import { downloadCsvUrl, formatCell, isNumericType, toTsv } from "assistant/helpers/numbers";
import { actsOn } from "assistant/helpers/names";
import CopyButton from "assistant/features/CopyButton";
import { describeToolError } from "assistant/helpers/errors";

/** Tool outputs are data written by the backend's executors; read them defensively. */
export type Json = any;

export function toolError(output: Json): { code: string; message: string } | null {
  const error = output && typeof output === "object" ? output.error : null;
  if (error && typeof error === "object") {
    return { code: String(error.code ?? "ERROR"), message: String(error.message ?? "") };
  }
  return null;
}

/** A tool's error: its message was written for the model (which may try another way), so it
 * is shown as what the assistant was told, under a plain heading. */
export const ToolErrorBox = ({ error }: { error: { code: string; message: string } }) => {
  const { t } = useTranslation();
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
      <p className="font-medium">{describeToolError(error.code)}</p>
      {error.message ? (
        <p className="mt-1 text-xs text-red-800">
          {t("What the assistant was told:")} {error.message}{" "}
          <span className="font-mono text-red-700">({error.code})</span>
        </p>
      ) : null}
    </div>
  );
};

/** The "Download CSV" link of a query's result: the server runs the stored query again, in full. */
export const DownloadCsvLink = ({ executionId }: { executionId: string }) => {
  const { t } = useTranslation();
  return (
    <a
      href={downloadCsvUrl(executionId)}
      download
      className="rounded border border-gray-200 bg-white px-1.5 py-0.5 text-xs text-gray-600 hover:bg-gray-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
    >
      {t("Download CSV")}
    </a>
  );
};

export const QueryResultTable = ({ output, executionId }: { output: Json; executionId?: string }) => {
  const { t } = useTranslation();
  const columns: string[] = (output.columns ?? []).map((column: Json) =>
    column && typeof column === "object" ? String(column.name) : String(column),
  );
  const numeric: boolean[] = (output.columns ?? []).map((column: Json) => isNumericType(column?.type));
  const rows: Json[][] = (output.rows ?? []).map((row: Json) =>
    Array.isArray(row) ? row : columns.map((name) => row?.[name]),
  );
  const count = typeof output.row_count === "number" ? output.row_count : rows.length;
  const right = (index: number, value?: Json) => numeric[index] || typeof value === "number";
  return (
    <div>
      {/* a region the keyboard can scroll (wide results scroll sideways) */}
      <div
        className="max-h-80 overflow-auto rounded-md border border-gray-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
        tabIndex={0}
        role="region"
        aria-label={t("Result: {{count}} rows", { count })}
      >
        <table className="min-w-full divide-y divide-gray-200 text-xs">
          <thead className="sticky top-0 bg-gray-50">
            <tr>
              {columns.map((name, index) => (
                <th
                  key={index}
                  scope="col"
                  className={clsx(
                    "px-2.5 py-1.5 font-semibold whitespace-nowrap text-gray-700",
                    numeric[index] ? "text-right" : "text-left",
                  )}
                >
                  {name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100 bg-white">
            {rows.map((row, rowIndex) => (
              <tr key={rowIndex}>
                {row.map((value, index) => (
                  <td
                    key={index}
                    className={clsx(
                      "px-2.5 py-1 whitespace-nowrap text-gray-800",
                      right(index, value) && "text-right tabular-nums",
                    )}
                  >
                    {formatCell(value, numeric[index])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-gray-500">
        <span>{t("{{count}} rows", { count })}</span>
        {output.truncated ? <Badge color="amber">{t("truncated")}</Badge> : null}
        {output.note ? <span>{String(output.note)}</span> : null}
        <span className="ml-auto flex gap-1.5">
          <CopyButton label={t("Copy table")} text={() => toTsv(columns, rows)} />
          {executionId ? <DownloadCsvLink executionId={executionId} /> : null}
        </span>
      </p>
    </div>
  );
};

export const FileList = ({ output }: { output: Json }) => {
  const { t } = useTranslation();
  const entries: Json[] = output.entries ?? [];
  return (
    <div>
      <p className="mb-1 text-xs text-gray-500">
        <code className="font-mono">{output.path ? `/${output.path}` : "/"}</code>
      </p>
      {entries.length === 0 ? (
        <p className="text-xs text-gray-500">{t("This folder is empty.")}</p>
      ) : (
        <ul className="divide-y divide-gray-100 rounded-md border border-gray-200 bg-white text-xs" aria-label={t("Files")}>
          {entries.map((entry, index) => {
            const folder = entry?.type === "directory";
            return (
              <li key={index} className="flex items-center gap-2 px-2.5 py-1">
                <span aria-hidden="true">{folder ? "📁" : "📄"}</span>
                <span className="font-mono text-gray-800">
                  {String(entry?.name ?? "?")}
                  {folder ? "/" : ""}
                </span>
                <span className="text-gray-600">{String(entry?.type ?? "")}</span>
                <span className="ml-auto text-gray-500 tabular-nums">{formatSize(entry?.size)}</span>
              </li>
            );
          })}
        </ul>
      )}
      {output.has_more ? (
        <p className="mt-1 text-xs text-gray-500">
          {t("Showing {{shown}} of {{total}} entries.", {
            shown: formatNumber(entries.length),
            total: typeof output.total === "number" ? formatNumber(output.total) : "?",
          })}
        </p>
      ) : null}
    </div>
  );
};

export const FileContent = ({ output }: { output: Json }) => {
  const { t } = useTranslation();
  const path = String(output.path ?? "");
  const language = languageOf(path);
  return (
    <div>
      <div className="flex items-center gap-2 rounded-t-md border border-b-0 border-gray-200 bg-gray-50 px-2.5 py-1 text-xs text-gray-600">
        <code className="font-mono">{path}</code>
        <Badge>{language}</Badge>
        <span className="ml-auto">{formatSize(output.size)}</span>
      </div>
      <pre
        className="code-dark max-h-80 overflow-auto rounded-b-md border border-gray-200 bg-gray-900 p-3 text-xs leading-5 text-gray-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
        tabIndex={0}
        role="region"
        aria-label={path}
      >
        <code className={`language-${language}`} data-language={language}>
          <HighlightedCode code={String(output.content ?? "")} language={language} />
        </code>
      </pre>
      {output.truncated || output.note ? (
        <p className="mt-1 text-xs text-gray-500">
          {output.truncated ? <Badge color="amber">{t("truncated")}</Badge> : null} {output.note ? String(output.note) : null}
        </p>
      ) : null}
    </div>
  );
};

const TableEntry = ({ table }: { table: Json }) => {
  const name = [table.schema && table.schema !== "public" ? table.schema : null, table.name].filter(Boolean).join(".");
  const columns: Json[] = table.columns ?? [];
  return (
    <li className="px-2.5 py-1.5">
      <div className="flex items-center gap-2">
        <span className="font-mono font-semibold text-gray-900">{name || "?"}</span>
        {table.kind ? <Badge>{String(table.kind)}</Badge> : null}
        {table.comment ? <span className="text-gray-500">{String(table.comment)}</span> : null}
      </div>
      {columns.length > 0 && (
        <ul className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-gray-600" aria-label={`${name} columns`}>
          {columns.map((column, index) => (
            <li key={index}>
              <span className="font-mono text-gray-800">{String(column?.name ?? column)}</span>
              {column?.type ? <span className="text-gray-600"> {String(column.type)}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
};

export const TableList = ({ output }: { output: Json }) => {
  const { t } = useTranslation();
  const tables: Json[] = output.tables ?? (output.table ? [output.table] : []);
  return (
    <div>
      <ul className="divide-y divide-gray-100 rounded-md border border-gray-200 bg-white text-xs" aria-label={t("Tables")}>
        {tables.map((table, index) => (
          <TableEntry key={index} table={table} />
        ))}
      </ul>
      {output.note ? <p className="mt-1 text-xs text-gray-500">{String(output.note)}</p> : null}
    </div>
  );
};

export const SearchResults = ({ output }: { output: Json }) => {
  const { t } = useTranslation();
  const matches: Json[] = output.matches ?? [];
  return (
    <div>
      {matches.length === 0 ? (
        <p className="text-xs text-gray-500">{t("No files matched.")}</p>
      ) : (
        <ul className="divide-y divide-gray-100 rounded-md border border-gray-200 bg-white text-xs" aria-label={t("Matches")}>
          {matches.map((match, index) => (
            <li key={index} className="flex items-center gap-2 px-2.5 py-1">
              <span className="font-mono text-gray-800">{String(match?.path ?? match)}</span>
              <span className="ml-auto text-gray-500 tabular-nums">{formatSize(match?.size)}</span>
            </li>
          ))}
        </ul>
      )}
      {output.truncated ? <Badge color="amber" className="mt-1">{t("truncated")}</Badge> : null}
    </div>
  );
};

export const SqlCode = ({ query }: { query: string }) => {
  const { t } = useTranslation();
  return (
    <div className="relative">
      <pre
        className="code-light max-h-60 overflow-auto rounded-md border border-gray-200 bg-gray-50 p-2.5 pr-16 font-mono text-xs break-words whitespace-pre-wrap text-gray-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
        tabIndex={0}
        role="region"
        aria-label={t("SQL")}
      >
        <code className="language-sql" data-language="sql">
          <HighlightedCode code={query} language="sql" />
        </code>
      </pre>
      <span className="absolute top-1.5 right-1.5">
        <CopyButton label={t("Copy SQL")} name={actsOn(t, t("Copy SQL"), query)} text={() => query} />
      </span>
    </div>
  );
};

export const JsonView = ({ value }: { value: Json }) => {
  const { t } = useTranslation();
  return (
    <pre
      className="max-h-80 overflow-auto rounded-md border border-gray-200 bg-gray-50 p-2.5 font-mono text-xs text-gray-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
      tabIndex={0}
      role="region"
      aria-label={t("JSON")}
    >
      {JSON.stringify(value, null, 2)}
    </pre>
  );
};
