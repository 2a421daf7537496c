import { gql } from "@apollo/client";
import clsx from "clsx";
import { describeToolError } from "assistant/helpers/errors";
import Badge from "core/components/Badge";
import Spinner from "core/components/Spinner";
import { useTranslation } from "core/helpers/i18n";
import { useId, useState } from "react";
import ApprovalCard, { ResolveOutcome } from "assistant/features/ApprovalCard";
import QuestionCard, { AnswerOutcome } from "assistant/features/QuestionCard";
import PipelineCard from "assistant/features/PipelineCard";
import { formatDuration } from "assistant/helpers/format";
import { ToolExecutionCard_ExecutionFragment } from "./ToolExecutionCard.generated";
import { ToolInput, ToolOutput, toolConfig, toolSummary } from "./toolConfig";
import { toolError } from "./ToolViews";

type ToolExecutionCardProps = {
  execution: ToolExecutionCard_ExecutionFragment;
  onApprove?: (id: string) => Promise<ResolveOutcome | void> | void;
  onReject?: (id: string, reason: string) => Promise<ResolveOutcome | void> | void;
  describeResolveError?: (code: string) => string;
  onAnswer?: (id: string, answer: string) => Promise<AnswerOutcome | void> | void;
  describeAnswerError?: (code: string) => string;
  /** A pipeline run this call waited for ended: the turn goes on. */
  onRunEnded?: () => void;
  /** Stop waiting for a pipeline run (the run goes on). */
  onStopWaiting?: () => Promise<unknown> | void;
  defaultOpen?: boolean;
};

/** One tool call: a compact line that expands to its input and output. */
const ToolExecutionCard = ({
  execution,
  onApprove,
  onReject,
  describeResolveError,
  onAnswer,
  describeAnswerError,
  onRunEnded,
  onStopWaiting,
  defaultOpen = false,
}: ToolExecutionCardProps) => {
  const { t } = useTranslation();
  const [open, setOpen] = useState(defaultOpen);
  const panelId = useId();
  const { name, tool, status, input, output } = execution;
  const config = toolConfig(tool);

  if (config.needsApproval && execution.proposal && onApprove && onReject) {
    return (
      <ApprovalCard
        execution={execution}
        onApprove={onApprove}
        onReject={onReject}
        describeError={describeResolveError}
      />
    );
  }

  if (config.pipelineCard && !(execution.status === "FAILED" && !execution.output?.run && !execution.output?.error)) {
    return (
      <PipelineCard
        execution={execution}
        onApprove={onApprove}
        onReject={onReject}
        onRunEnded={onRunEnded}
        onStopWaiting={onStopWaiting}
      />
    );
  }

  if (config.asksUser && execution.status !== "FAILED") {
    return <QuestionCard execution={execution} onAnswer={onAnswer} describeError={describeAnswerError} />;
  }

  const error = output ? toolError(output) : null;
  const running = status === "RUNNING";
  const failed = status === "FAILED" || Boolean(error);
  const inline = Boolean(config.inline && output && !error && !running);

  return (
    <div
      className={clsx(
        "rounded-md border bg-white text-sm",
        failed ? "border-red-200" : "border-gray-200",
      )}
      data-testid="tool-execution"
      data-tool={name}
    >
      <button
        type="button"
        className="flex w-full items-center gap-2 rounded-md px-3 py-1.5 text-left hover:bg-gray-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
      >
        <span aria-hidden="true" className={clsx("text-xs text-gray-500 transition-transform", open && "rotate-90")}>
          ▶
        </span>
        {running ? (
          <Spinner className="h-3.5 w-3.5 text-blue-600" label={t("Running")} />
        ) : (
          <span aria-hidden="true" className={clsx("h-2 w-2 rounded-full", failed ? "bg-red-500" : "bg-green-500")} />
        )}
        <span className="font-medium text-gray-800">{config.label(t, name)}</span>
        <span className="min-w-0 flex-1 truncate font-mono text-xs text-gray-500">{toolSummary(config, input)}</span>
        {error ? (
          <span className="text-xs font-semibold text-red-700" title={error.code}>
            {describeToolError(error.code)}
          </span>
        ) : failed ? (
          <Badge color="red">{t("Failed")}</Badge>
        ) : null}
        {status === "PENDING_APPROVAL" && <Badge color="amber">{t("Awaiting approval")}</Badge>}
        {status === "APPROVED" && <Badge color="green">{t("Approved")}</Badge>}
        {status === "REJECTED" && <Badge>{t("Rejected")}</Badge>}
        {execution.durationMs != null ? (
          <span className="text-xs text-gray-600 tabular-nums">{formatDuration(execution.durationMs)}</span>
        ) : null}
      </button>
      <div id={panelId} hidden={!open} className="space-y-2 border-t border-gray-100 px-3 py-2">
        {open && (
          <>
            <div>
              <h4 className="mb-1 text-xs font-semibold tracking-wide text-gray-500 uppercase">{t("Input")}</h4>
              <ToolInput tool={tool} input={input} />
            </div>
            <div>
              <h4 className="mb-1 text-xs font-semibold tracking-wide text-gray-500 uppercase">{t("Output")}</h4>
              {running ? (
                <p className="text-xs text-gray-500">{t("Running…")}</p>
              ) : inline ? (
                <p className="text-xs text-gray-500">{t("Shown below.")}</p>
              ) : (
                <ToolOutput tool={tool} output={output} executionId={execution.id} />
              )}
            </div>
          </>
        )}
      </div>
      {inline ? (
        <div className="border-t border-gray-100 px-3 py-2">
          <ToolOutput tool={tool} output={output} executionId={execution.id} />
        </div>
      ) : null}
    </div>
  );
};

ToolExecutionCard.fragments = {
  execution: gql`
    fragment ToolExecutionCard_execution on AssistantToolExecution {
      id
      toolUseId
      name
      tool
      input
      output
      success
      status
      durationMs
      createdAt
      ...ApprovalCard_execution
      ...QuestionCard_execution
    }
    ${ApprovalCard.fragments.execution}
    ${QuestionCard.fragments.execution}
  `,
};

export default ToolExecutionCard;
