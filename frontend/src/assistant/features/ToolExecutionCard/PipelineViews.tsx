/** The outputs of list_pipelines and get_pipeline_run (see toolConfig.tsx). */
import Badge from "core/components/Badge";
import { useTranslation } from "core/helpers/i18n";
import type { Json } from "./ToolViews";

export const PipelineList = ({ output }: { output: Record<string, Json> }) => {
  const { t } = useTranslation();
  const pipelines: Json[] = output.pipelines;
  if (pipelines.length === 0) return <p className="text-xs text-gray-600">{t("No pipeline.")}</p>;
  return (
    <ul className="space-y-2 text-xs">
      {pipelines.map((pipeline) => (
        <li key={String(pipeline?.code)} className="break-words">
          <span className="font-medium text-gray-900">{String(pipeline?.name ?? "")}</span>{" "}
          <code className="font-mono text-gray-600">{String(pipeline?.code ?? "")}</code>
          {pipeline?.description ? <p className="text-gray-600">{String(pipeline.description)}</p> : null}
          {Array.isArray(pipeline?.current_version?.parameters) && pipeline.current_version.parameters.length > 0 ? (
            <p className="text-gray-600">
              {t("Parameters:")}{" "}
              {pipeline.current_version.parameters.map((p: Json) => `${p?.code} (${p?.type}${p?.required ? ", " + t("required") : ""})`).join(", ")}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
};

export const PipelineRuns = ({ output }: { output: Record<string, Json> }) => {
  const { t } = useTranslation();
  const runs: Json[] = Array.isArray(output.runs) ? output.runs : [output.run];
  if (runs.length === 0) return <p className="text-xs text-gray-600">{t("No run.")}</p>;
  return (
    <ul className="space-y-2 text-xs">
      {runs.map((run) => (
        <li key={String(run?.run_id)} className="break-words">
          <span className="font-medium text-gray-900">{String(run?.pipeline_name ?? run?.pipeline_code ?? "")}</span>{" "}
          <Badge color={run?.status === "success" ? "green" : run?.status === "failed" ? "red" : "gray"}>{String(run?.status ?? "")}</Badge>{" "}
          <span className="text-gray-600">{String(run?.created_at ?? "").slice(0, 16).replace("T", " ")}</span>
          {Array.isArray(run?.messages) && run.messages.length > 0 ? (
            <p className="text-gray-700">{String(run.messages[run.messages.length - 1]?.message ?? "")}</p>
          ) : null}
          {run?.log_tail ? (
            <pre className="mt-1 max-h-40 overflow-auto rounded bg-gray-50 p-1.5 font-mono text-[0.7rem] whitespace-pre-wrap text-gray-700">
              {String(run.log_tail)}
            </pre>
          ) : null}
        </li>
      ))}
    </ul>
  );
};
