/**
 * Data files shown as tables: a Parquet file or a spreadsheet sheet read by `read_file` (rows
 * given by the server), a CSV read by `read_file` (its text split with the dialect the server
 * detected), and what `query_files` read. Which tool uses which is said in `toolConfig.tsx`.
 */
import Badge from "core/components/Badge";
import { useTranslation } from "core/helpers/i18n";
import { formatSize } from "assistant/helpers/format";
import { FileContent, type Json, QueryResultTable } from "./ToolViews";

/** Rows of delimited text (RFC 4180 quoting); a last line cut by the read is kept as it is. */
export function splitDelimited(text: string, delimiter: string, quote = '"'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === quote && text[i + 1] === quote) {
        cell += quote;
        i++;
      } else if (char === quote) {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === quote && cell === "") {
      quoted = true;
    } else if (char === delimiter) {
      row.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else {
      cell += char;
    }
  }
  if (cell !== "" || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

const FileHeader = ({ output }: { output: Json }) => {
  const { t } = useTranslation();
  return (
  <div className="mb-1 flex flex-wrap items-center gap-2 text-xs text-gray-600">
    <code className="font-mono">{String(output.path ?? "")}</code>
    {output.format ? <Badge>{String(output.format)}</Badge> : null}
    {Array.isArray(output.sheets) && output.sheets.length > 0 ? (
      <span role="group" aria-label={t("Sheets")}>
        {output.sheets.map((sheet: Json, index: number) => (
          <span key={index} className={sheet === output.sheet ? "font-semibold text-gray-900" : undefined}>
            {index ? " · " : ""}
            {String(sheet)}
          </span>
        ))}
      </span>
    ) : null}
    {typeof output.total_rows === "number" ? <span>{t("{{count}} rows", { count: output.total_rows })}</span> : null}
    <span className="ml-auto">{formatSize(output.size)}</span>
  </div>
  );
};

/** read_file's answer for a Parquet file or a sheet: rows given by the server. */
export const TableFile = ({ output }: { output: Json }) => (
  <div>
    <FileHeader output={output} />
    <QueryResultTable output={output} />
  </div>
);

/** read_file's answer for a CSV: a table when the server found its dialect and header, else its text. */
export const CsvFile = ({ output }: { output: Json }) => {
  const dialect = output.dialect;
  if (!dialect || !dialect.header || typeof dialect.delimiter !== "string" || dialect.delimiter.length !== 1) {
    return <FileContent output={output} />;
  }
  const quote = typeof dialect.quote === "string" && dialect.quote.length === 1 ? dialect.quote : '"';
  const [header = [], ...rows] = splitDelimited(String(output.content ?? ""), dialect.delimiter, quote);
  const types: Json[] = Array.isArray(output.columns) ? output.columns : [];
  const columns = header.map((name, index) => ({ name, type: types[index]?.type }));
  return (
    <div>
      <FileHeader output={{ ...output, format: "csv" }} />
      <QueryResultTable output={{ columns, rows, row_count: rows.length, truncated: output.truncated, note: output.note }} />
    </div>
  );
};
