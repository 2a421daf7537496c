/**
 * Everything the page knows about each of the assistant's tools, in one record: adding a
 * tool to the SDL's `AssistantToolName` means adding its entry here (the type asks for it).
 * A tool the page does not know (the model called one that does not exist) is shown the
 * generic way: its name, its input and output as JSON.
 */
import type { TFunction } from "core/helpers/i18n";
import type { AssistantToolName } from "graphql/types";
import type { ReactNode } from "react";
import ChartFigure from "assistant/features/Chart";
import {
  FileContent,
  FileList,
  type Json,
  JsonView,
  QueryResultTable,
  SearchResults,
  SqlCode,
  TableList,
  ToolErrorBox,
  toolError,
} from "./ToolViews";
import { CsvFile, TableFile } from "./TableFileViews";
import { ConnectionList, DatasetList, Dhis2Request } from "./WorkspaceDataViews";
import { PipelineList, PipelineRuns } from "./PipelineViews";

/** What an output view may need besides the output: the tool execution it belongs to. */
export type OutputContext = { executionId?: string };

export type ToolConfig = {
  /** What the assistant did, on the card's compact line. */
  label: (t: TFunction, name: string) => string;
  /** One line about the input, after the label ("" for nothing). Only called with an object. */
  summary: (input: Record<string, Json>) => string;
  /** The input once the card is open; null shows it as JSON. */
  input?: (input: Json) => ReactNode;
  /** The output when it has this tool's shape (an object, not an error); null shows it as JSON. */
  output?: (output: Record<string, Json>, context: OutputContext) => ReactNode;
  /** Its output is part of the answer (a chart): shown under the card's line, not only when it is opened. */
  inline?: boolean;
  /** Its calls wait for the user's decision: shown as an approval card while they carry a proposal. */
  needsApproval?: boolean;
  /** A question for the user (its turn waits for the answer): shown as a question card. */
  asksUser?: boolean;
  /** A pipeline run or stop held for the user's decision, then the run: shown as a pipeline card. */
  pipelineCard?: boolean;
};

export const TOOLS: Record<AssistantToolName, ToolConfig> = {
  list_files: {
    label: (t) => t("Listed files"),
    summary: (input) => `/${input.path ?? ""}`,
    output: (output) => (Array.isArray(output.entries) ? <FileList output={output} /> : null),
  },
  read_file: {
    label: (t) => t("Read a file"),
    summary: (input) => String(input.path ?? ""),
    output: (output) =>
      Array.isArray(output.rows) && Array.isArray(output.columns) ? (
        <TableFile output={output} />
      ) : typeof output.content === "string" ? (
        output.dialect ? <CsvFile output={output} /> : <FileContent output={output} />
      ) : null,
  },
  search_files: {
    label: (t) => t("Searched files"),
    summary: (input) =>
      [input.path ? `${input.path}/` : "", input.pattern ?? ""].join("") + (input.contains ? ` “${input.contains}”` : ""),
    output: (output) => (Array.isArray(output.matches) ? <SearchResults output={output} /> : null),
  },
  write_file: {
    label: (t) => t("Proposed a file write"),
    summary: (input) => String(input.path ?? ""),
    needsApproval: true,
  },
  query_database: {
    label: (t) => t("Queried the database"),
    summary: (input) => String(input.query ?? "").replace(/\s+/g, " ").slice(0, 120),
    input: (input) => (typeof input?.query === "string" ? <SqlCode query={input.query} /> : null),
    output: (output, { executionId }) =>
      Array.isArray(output.columns) ? <QueryResultTable output={output} executionId={executionId} /> : null,
  },
  ask_user: {
    label: (t) => t("Asked you a question"),
    summary: (input) => String(input.question ?? ""),
    asksUser: true,
  },
  query_files: {
    label: (t) => t("Queried files"),
    summary: (input) =>
      input.files && typeof input.files === "object"
        ? Object.entries(input.files)
            .map(([name, file]) => `${name}: ${typeof file === "string" ? file : String((file as Json)?.path ?? "")}`)
            .join(", ")
            .slice(0, 120)
        : "",
    input: (input) => (typeof input?.sql === "string" ? <SqlCode query={input.sql} /> : null),
    output: (output, { executionId }) =>
      Array.isArray(output.columns) ? <QueryResultTable output={output} executionId={executionId} /> : null,
  },
  describe_tables: {
    label: (t) => t("Described tables"),
    summary: (input) => (input.table_name ? String(input.table_name) : ""),
    output: (output) => (Array.isArray(output.tables) || output.table ? <TableList output={output} /> : null),
  },
  create_chart: {
    label: (t) => t("Made a chart"),
    summary: (input) => String(input.title ?? input.query ?? "").replace(/\s+/g, " ").slice(0, 120),
    input: (input) =>
      typeof input?.query === "string" ? (
        <div className="space-y-1.5">
          <SqlCode query={input.query} />
          <JsonView value={input.spec} />
        </div>
      ) : null,
    output: (output, { executionId }) =>
      output.page && typeof output.page === "object" ? <ChartFigure output={output} executionId={executionId} /> : null,
    inline: true,
  },
  list_connections: {
    label: (t) => t("Listed connections"),
    summary: () => "",
    output: (output) => (Array.isArray(output.connections) ? <ConnectionList output={output} /> : null),
  },
  query_dhis2: {
    label: (t) => t("Queried DHIS2"),
    summary: (input) => `${input.connection ?? ""} /api/${input.resource ?? ""}`.slice(0, 120),
    input: (input) => (input && typeof input === "object" ? <Dhis2Request input={input} /> : null),
    output: (output, { executionId }) =>
      Array.isArray(output.columns) ? <QueryResultTable output={output} executionId={executionId} /> : null,
  },
  list_datasets: {
    label: (t) => t("Listed datasets"),
    summary: (input) => (input.query ? String(input.query) : ""),
    output: (output) => (Array.isArray(output.datasets) ? <DatasetList output={output} /> : null),
  },
  list_pipelines: {
    label: (t) => t("Listed pipelines"),
    summary: (input) => String(input.search ?? ""),
    output: (output) => (Array.isArray(output.pipelines) ? <PipelineList output={output} /> : null),
  },
  run_pipeline: {
    label: (t) => t("Proposed a pipeline run"),
    summary: (input) => String(input.pipeline_code ?? ""),
    pipelineCard: true,
  },
  get_pipeline_run: {
    label: (t) => t("Looked at pipeline runs"),
    summary: (input) => [input.pipeline_code, input.status, input.run_id].filter(Boolean).join(" · "),
    output: (output) => (Array.isArray(output.runs) || output.run ? <PipelineRuns output={output} /> : null),
  },
  stop_pipeline_run: {
    label: (t) => t("Proposed to stop a pipeline run"),
    summary: (input) => String(input.run_id ?? ""),
    pipelineCard: true,
  },
};

/** A tool the page does not know. */
export const GENERIC_TOOL: ToolConfig = {
  label: (_t, name) => name,
  summary: () => "",
};

/** The tool's configuration; the generic one for a tool that does not exist (`tool` is null). */
export function toolConfig(tool: AssistantToolName | null | undefined): ToolConfig {
  return tool && Object.prototype.hasOwnProperty.call(TOOLS, tool) ? TOOLS[tool] : GENERIC_TOOL;
}

/** The tool a name the model called stands for, or null if there is no such tool (as the server's `tool` field). */
export function toolNameOf(name: string): AssistantToolName | null {
  return Object.prototype.hasOwnProperty.call(TOOLS, name) ? (name as AssistantToolName) : null;
}

/** The line about a call's input shown next to its label. */
export function toolSummary(config: ToolConfig, input: Json): string {
  return input && typeof input === "object" ? config.summary(input) : "";
}

/** A call's input, as its tool shows it. */
export const ToolInput = ({ tool, input }: { tool: AssistantToolName | null | undefined; input: Json }) => (
  <>{toolConfig(tool).input?.(input) ?? <JsonView value={input} />}</>
);

/** A call's output, as its tool shows it; an error the same way for every tool. */
export const ToolOutput = ({
  tool,
  output,
  executionId,
}: {
  tool: AssistantToolName | null | undefined;
  output: Json;
  executionId?: string;
}) => {
  const error = toolError(output);
  if (error) return <ToolErrorBox error={error} />;
  const shown = output && typeof output === "object" ? toolConfig(tool).output?.(output, { executionId }) : null;
  return <>{shown ?? <JsonView value={output} />}</>;
};
