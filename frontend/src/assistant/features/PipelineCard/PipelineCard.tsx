import { gql } from "@apollo/client";
import Badge, { type BadgeColor } from "core/components/Badge";
import Button from "core/components/Button";
import Spinner from "core/components/Spinner";
import { useTranslation } from "core/helpers/i18n";
import { useEffect, useRef, useState } from "react";
import type { ResolveOutcome } from "assistant/features/ApprovalCard";
import RejectionForm from "assistant/features/RejectionForm";
import { describeToolError } from "assistant/helpers/errors";
import { usePipelineRunCardQuery } from "./PipelineCard.generated";

/** Tool inputs and outputs are data written by the model and the server; read them defensively. */
type Json = any;

type Execution = { id: string; name: string; status: string; input?: Json; output?: Json };

type PipelineCardProps = {
  execution: Execution;
  onApprove?: (id: string) => Promise<ResolveOutcome | void> | void;
  onReject?: (id: string, reason: string) => Promise<ResolveOutcome | void> | void;
  /** The run this card follows ended: the turn goes on, the page follows it. */
  onRunEnded?: () => void;
  /** Stop waiting for the run (the run goes on). */
  onStopWaiting?: () => Promise<unknown> | void;
};

type Parameter = { code: string; name: string; value: Json };

const FINISHED = ["success", "failed", "stopped", "skipped"];
const POLL_MS = 2000;

const STATUS_COLORS: Record<string, BadgeColor> = {
  queued: "gray",
  running: "blue",
  terminating: "amber",
  success: "green",
  failed: "red",
  stopped: "gray",
  skipped: "gray",
};

/** The parameters as the card shows them: from the held call's output (names, defaults filled
 * in), else from the model's input. */
function parametersOf(execution: Execution): Parameter[] {
  const output = execution.output && typeof execution.output === "object" ? execution.output : {};
  if (Array.isArray(output.parameters)) {
    return output.parameters.map((p: Json) => ({ code: String(p?.code ?? ""), name: String(p?.name ?? p?.code ?? ""), value: p?.value }));
  }
  const config = execution.input?.config;
  if (config && typeof config === "object") {
    return Object.entries(config).map(([code, value]) => ({ code, name: code, value }));
  }
  return [];
}

function shown(value: Json): string {
  if (value === null || value === undefined || value === "") return "—";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function runStatusLabel(t: (key: string) => string, status: string): string {
  switch (status) {
    case "queued":
      return t("Queued");
    case "running":
      return t("Running");
    case "terminating":
      return t("Stopping");
    case "success":
      return t("Succeeded");
    case "failed":
      return t("Failed");
    case "stopped":
      return t("Stopped");
    default:
      return status;
  }
}

type RunView = {
  status: string;
  progress: number;
  durationS: number | null;
  messages: { priority?: string | null; message: string }[];
  outputs: Json[];
};

/** The run as the card shows it: followed live while the turn waits, else from the call's result. */
function useRun(execution: Execution, waiting: boolean, onRunEnded?: () => void): RunView | null {
  const { data } = usePipelineRunCardQuery({
    variables: { id: execution.id },
    skip: !waiting,
    pollInterval: waiting ? POLL_MS : 0,
    fetchPolicy: "network-only",
  });
  const live = data?.assistantPipelineRun;
  const ended = useRef(false);
  useEffect(() => {
    if (live && FINISHED.includes(live.status) && !ended.current) {
      ended.current = true;
      onRunEnded?.();
    }
  }, [live, onRunEnded]);
  if (waiting && live) {
    return { ...live, durationS: live.durationS ?? null, outputs: Array.isArray(live.outputs) ? live.outputs : [] };
  }
  const run = execution.output?.run;
  if (!run || typeof run !== "object") return null;
  return {
    status: String(run.status ?? ""),
    progress: Number(run.progress ?? 0),
    durationS: typeof run.duration_s === "number" ? run.duration_s : null,
    messages: Array.isArray(run.messages) ? run.messages.slice(-5) : [],
    outputs: Array.isArray(run.outputs) ? run.outputs : [],
  };
}

const RunDetails = ({ run, waiting }: { run: RunView; waiting: boolean }) => {
  const { t } = useTranslation();
  return (
    <div className="mt-3 space-y-2 rounded-md bg-white p-2 ring-1 ring-gray-200" data-testid="pipeline-run">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium text-gray-800">{t("Run")}</span>
        <Badge color={STATUS_COLORS[run.status] ?? "gray"}>{runStatusLabel(t, run.status)}</Badge>
        {run.durationS != null ? <span className="text-xs text-gray-600 tabular-nums">{t("{{seconds}} s", { seconds: Math.round(run.durationS) })}</span> : null}
        {waiting ? <span className="text-xs text-gray-600">{t("The answer goes on when the run ends.")}</span> : null}
      </div>
      <div
        role="progressbar"
        aria-label={t("Progress of the run")}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={run.progress}
        className="h-1.5 w-full overflow-hidden rounded bg-gray-100"
      >
        <div className="h-full bg-blue-600 transition-all" style={{ width: `${run.progress}%` }} />
      </div>
      {run.messages.length > 0 && (
        <ul aria-label={t("Latest messages of the run")} className="space-y-0.5 text-xs text-gray-700">
          {run.messages.map((message, index) => (
            <li key={index} className="break-words">
              <span className={message.priority === "ERROR" || message.priority === "CRITICAL" ? "font-semibold text-red-700" : "text-gray-600"}>
                {message.priority ?? "INFO"}
              </span>{" "}
              {message.message}
            </li>
          ))}
        </ul>
      )}
      {run.outputs.length > 0 && (
        <div>
          <h4 className="text-xs font-semibold tracking-wide text-gray-600 uppercase">{t("Outputs")}</h4>
          <ul className="mt-1 flex flex-wrap gap-1.5" aria-label={t("Outputs of the run")}>
            {run.outputs.map((output: Json, index: number) => {
              const name = String(output?.table ?? output?.path ?? output?.name ?? output?.uri ?? "");
              const kind = output?.type === "table" ? t("Table") : output?.type === "file" ? t("File") : t("Dataset file");
              return (
                <li key={index} className="max-w-full">
                  <span className="inline-flex max-w-full items-center gap-1 rounded bg-gray-50 px-1.5 py-0.5 text-xs ring-1 ring-gray-200">
                    <span className="text-gray-600">{kind}</span>
                    <code className="truncate font-mono text-gray-800" title={name}>
                      {name}
                    </code>
                  </span>
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </div>
  );
};

/** A pipeline run (run_pipeline) or stop (stop_pipeline_run) proposed by the model: the
 * pipeline, its version and each parameter, held until the user decides; then the run,
 * followed live while the turn waits for it. */
const PipelineCard = ({ execution, onApprove, onReject, onRunEnded, onStopWaiting }: PipelineCardProps) => {
  const { t } = useTranslation();
  const [rejecting, setRejecting] = useState(false);
  const [busy, setBusy] = useState<"approve" | "reject" | "stop" | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const stop = execution.name === "stop_pipeline_run";
  const pending = execution.status === "PENDING_APPROVAL";
  const waiting = execution.status === "AWAITING_RUN";
  const run = useRun(execution, waiting, onRunEnded);
  const output = execution.output && typeof execution.output === "object" ? execution.output : {};
  const code = String(output.pipeline_code ?? execution.input?.pipeline_code ?? output.run?.pipeline_code ?? "");
  const name = String(output.pipeline_name ?? output.run?.pipeline_name ?? code);
  const version = output.version ?? output.run?.version;
  const parameters = parametersOf(execution);
  const refused = !pending && output.error ? output.error : null;

  const decide = async (kind: "approve" | "reject", reason = "") => {
    const handler = kind === "approve" ? onApprove : onReject;
    if (!handler) return;
    setBusy(kind);
    setErrors([]);
    try {
      const outcome = kind === "approve" ? await onApprove!(execution.id) : await onReject!(execution.id, reason);
      if (outcome && !outcome.success) setErrors(outcome.errors);
      else if (kind === "reject") setRejecting(false);
    } catch {
      setErrors(["NETWORK_ERROR"]);
    } finally {
      setBusy(null);
    }
  };

  const stopWaiting = async () => {
    setBusy("stop");
    try {
      await onStopWaiting?.();
      onRunEnded?.();
    } finally {
      setBusy(null);
    }
  };

  const title = stop ? t("Stop a run of {{pipeline}}", { pipeline: name }) : t("Run the pipeline {{pipeline}}", { pipeline: name });
  return (
    <section
      aria-label={title}
      data-pending-approval={pending || undefined}
      data-testid="pipeline-card"
      className="rounded-lg border border-indigo-200 bg-indigo-50/50 p-3"
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm font-medium text-gray-900">
          {pending ? (stop ? t("The assistant wants to stop a pipeline run") : t("The assistant wants to run a pipeline")) : title}
        </span>
        <code className="rounded bg-white px-1.5 py-0.5 font-mono text-xs break-all text-gray-800 ring-1 ring-gray-200">{code}</code>
        {version?.name ? <span className="text-xs text-gray-600">{t("Version {{version}}", { version: version.name })}</span> : null}
        <span className="ml-auto">
          {pending && <Badge color="amber">{t("Awaiting your decision")}</Badge>}
          {waiting && <Badge color="blue">{t("Waiting for the run")}</Badge>}
          {execution.status === "REJECTED" && <Badge color="gray">{stop ? t("Rejected — not stopped") : t("Rejected — not run")}</Badge>}
          {execution.status === "UNANSWERED" && <Badge color="gray">{t("Not decided — not run")}</Badge>}
          {execution.status === "APPROVED" && <Badge color="green">{t("Approved")}</Badge>}
        </span>
      </div>

      {parameters.length > 0 && !stop && (
        <table className="mt-2 w-full table-fixed text-left text-xs">
          <caption className="sr-only">{t("Parameters of the run")}</caption>
          <thead>
            <tr className="text-gray-600">
              <th scope="col" className="w-2/5 py-1 pr-2 font-medium">{t("Parameter")}</th>
              <th scope="col" className="py-1 font-medium">{t("Value")}</th>
            </tr>
          </thead>
          <tbody>
            {parameters.map((parameter) => (
              <tr key={parameter.code} className="border-t border-indigo-100 align-top">
                <th scope="row" className="py-1 pr-2 font-normal break-words text-gray-700">
                  {parameter.name}
                  {parameter.name !== parameter.code ? <span className="block font-mono text-gray-600">{parameter.code}</span> : null}
                </th>
                <td className="py-1 font-mono break-all text-gray-900">{shown(parameter.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {refused ? (
        <div role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          <p className="font-medium">{describeToolError(String(refused.code ?? ""))}</p>
          <p className="mt-1 text-xs">{String(refused.message ?? "")}</p>
        </div>
      ) : null}

      {run ? <RunDetails run={run} waiting={waiting} /> : null}

      {errors.length > 0 && (
        <div role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {errors.map((code) => (
            <p key={code}>{describeToolError(code)}</p>
          ))}
        </div>
      )}

      {pending && !rejecting && onApprove && onReject && (
        <div className="mt-3 flex flex-wrap gap-2">
          <Button onClick={() => decide("approve")} disabled={busy !== null}>
            {busy === "approve" ? <Spinner /> : null}
            {stop ? t("Approve the stop") : t("Approve the run")}
          </Button>
          <Button variant="white" onClick={() => setRejecting(true)} disabled={busy !== null}>
            {t("Reject")}
          </Button>
        </div>
      )}
      {pending && rejecting && (
        <RejectionForm
          onConfirm={(reason) => decide("reject", reason)}
          onCancel={() => setRejecting(false)}
          disabled={busy !== null}
          confirming={busy === "reject"}
        />
      )}
      {waiting && onStopWaiting && (
        <div className="mt-2">
          <Button variant="white" size="sm" onClick={stopWaiting} disabled={busy !== null}>
            {t("Stop waiting (the run goes on)")}
          </Button>
        </div>
      )}
    </section>
  );
};

PipelineCard.queries = {
  run: gql`
    query PipelineRunCard($id: UUID!) {
      assistantPipelineRun(toolExecutionId: $id) {
        id
        status
        progress
        durationS
        messages {
          priority
          message
        }
        outputs
      }
    }
  `,
};

export default PipelineCard;
