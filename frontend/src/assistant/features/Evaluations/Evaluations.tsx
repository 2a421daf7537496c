import Link from "next/link";
import { useEffect, useState } from "react";
import Button from "core/components/Button";
import Spinner from "core/components/Spinner";
import { TFunction, useTranslation } from "core/helpers/i18n";
import { formatCost, formatDate, formatDuration } from "assistant/helpers/format";
import type { AssistantEvaluationError, AssistantEvaluationExpectedKind, AssistantEvaluationReason } from "graphql/types";
import {
  Evaluations_RunFragment,
  useAssistantEvaluationRunQuery,
  useAssistantEvaluationsQuery,
  useCreateAssistantEvaluationQuestionMutation,
  useDeleteAssistantEvaluationQuestionMutation,
  useRunAssistantEvaluationMutation,
} from "./Evaluations.generated";

const POLL_MS = 2000;

export function describeEvaluationError(t: TFunction, code: AssistantEvaluationError): string {
  const messages: Partial<Record<AssistantEvaluationError, string>> = {
    PERMISSION_DENIED: t("Only workspace admins can manage evaluations."),
    INVALID_QUESTION: t("A question needs a text of at most 4,000 characters."),
    INVALID_EXPECTED: t("The expected result could not be computed."),
    INVALID_TOLERANCE: t("The tolerance is a fraction between 0 and 1."),
    TOO_MANY_QUESTIONS: t("This workspace has the most evaluation questions it can have."),
    INVALID_MODEL: t("This model is not offered by the server."),
    NO_QUESTIONS: t("Add a question first."),
    RUN_IN_PROGRESS: t("A run is already in progress."),
    BUDGET_EXCEEDED: t("The monthly budget is spent."),
    NOT_FOUND: t("This question no longer exists."),
    WORKSPACE_NOT_FOUND: t("This workspace does not exist or you are not a member of it."),
  };
  return messages[code] ?? code;
}

export function describeReason(t: TFunction, reason: AssistantEvaluationReason): string {
  const reasons: Record<AssistantEvaluationReason, string> = {
    MISSING_ROWS: t("Missing rows"),
    EXTRA_ROWS: t("Extra rows"),
    DIFFERENT_VALUES: t("Different values"),
    MISSING_COLUMNS: t("Missing columns"),
    NO_RESULT: t("No result"),
    TEXT_MISMATCH: t("The text states other figures"),
    ERROR: t("Error"),
    TIMEOUT: t("Timed out"),
    EXPECTED_ERROR: t("Expected result unavailable"),
    BUDGET_EXCEEDED: t("Budget exceeded"),
  };
  return reasons[reason] ?? reason;
}

const percent = (value: number | null | undefined) => (value == null ? "—" : `${Math.round(value * 100)} %`);

const RunDetail = ({ runId, slug }: { runId: string; slug: string }) => {
  const { t } = useTranslation();
  const { data, stopPolling } = useAssistantEvaluationRunQuery({ variables: { id: runId }, pollInterval: POLL_MS });
  const run = data?.assistantEvaluationRun;
  const ended = run?.status === "COMPLETE" || run?.status === "FAILED";
  useEffect(() => {
    if (ended) stopPolling();
  }, [ended, stopPolling]);
  if (!run) return <Spinner />;
  const regressed = run.results.filter((result) => result.regressed);
  return (
    <section aria-label={t("Run results")} className="mt-4">
      {run.previousRun ? (
        <p className="text-sm text-gray-700">
          {t("Previous run: {{accuracy}}", { accuracy: percent(run.previousRun.accuracy) })}
          {regressed.length ? ` — ${t("Regressed: {{questions}}", { questions: regressed.map((r) => r.question).join("; ") })}` : ""}
        </p>
      ) : null}
      <table className="mt-2 w-full text-left text-sm">
        <thead className="text-xs text-gray-500">
          <tr>
            <th className="py-1">{t("Question")}</th>
            <th>{t("Result")}</th>
            <th>{t("Cost")}</th>
            <th>{t("Time")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {run.results.map((result) => (
            <tr key={result.id} className="align-top">
              <td className="py-1 pr-3">
                {result.conversationId ? (
                  <Link href={`/workspaces/${encodeURIComponent(slug)}/assistant/${result.conversationId}`} className="text-blue-700 hover:underline">
                    {result.question}
                  </Link>
                ) : (
                  result.question
                )}
              </td>
              <td className="pr-3">
                {result.passed == null ? (
                  <span className="text-gray-500">{t("Running")}</span>
                ) : result.passed ? (
                  <span className="text-green-700">{t("Passed")}</span>
                ) : (
                  <span className="text-red-700">
                    {t("Failed")}
                    {result.reason ? `: ${describeReason(t, result.reason)}` : ""}
                    {result.regressed ? ` (${t("regressed")})` : ""}
                  </span>
                )}
                {result.detail ? <p className="text-xs text-gray-500">{result.detail}</p> : null}
              </td>
              <td className="pr-3">{formatCost(result.cost)}</td>
              <td>{result.durationMs != null ? formatDuration(result.durationMs) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
};

const RunLine = ({ run, onOpen, open }: { run: Evaluations_RunFragment; onOpen: () => void; open: boolean }) => {
  const { t } = useTranslation();
  return (
    <li className="flex items-center gap-3 px-3 py-2 text-sm">
      <span className="text-gray-500">{formatDate(run.createdAt)}</span>
      <code>{run.model}</code>
      <span>
        {run.status === "COMPLETE"
          ? t("{{passed}} of {{total}} passed ({{accuracy}})", {
              passed: run.passedCount,
              total: run.questionCount,
              accuracy: percent(run.accuracy),
            })
          : run.status === "FAILED"
            ? t("Failed")
            : t("Running")}
      </span>
      <span className="text-gray-500">{formatCost(run.cost)}</span>
      <span className="text-gray-500">{run.durationMs != null ? formatDuration(run.durationMs) : ""}</span>
      <Button variant="white" size="sm" onClick={onOpen} aria-expanded={open}>
        {open ? t("Hide") : t("Show results")}
      </Button>
    </li>
  );
};

/** A workspace's evaluation questions and runs (workspace admins). */
const Evaluations = ({ workspaceSlug }: { workspaceSlug: string }) => {
  const { t } = useTranslation();
  const { data, loading, refetch } = useAssistantEvaluationsQuery({ variables: { slug: workspaceSlug } });
  const [createQuestion] = useCreateAssistantEvaluationQuestionMutation();
  const [deleteQuestion] = useDeleteAssistantEvaluationQuestionMutation();
  const [runEvaluation, { loading: starting }] = useRunAssistantEvaluationMutation();
  const [question, setQuestion] = useState("");
  const [kind, setKind] = useState<AssistantEvaluationExpectedKind>("SQL");
  const [expected, setExpected] = useState("");
  const [tolerance, setTolerance] = useState("0");
  const [model, setModel] = useState("");
  const [openRun, setOpenRun] = useState<string | null>(null);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  if (loading && !data) return <Spinner />;
  const workspace = data?.workspace;
  const evaluations = workspace?.assistantEvaluations;
  if (!evaluations) {
    return <p className="text-sm text-gray-600">{t("Only workspace admins can manage evaluations.")}</p>;
  }
  const running = evaluations.runs.some((run) => run.status === "QUEUED" || run.status === "RUNNING");

  const add = async (event: React.FormEvent) => {
    event.preventDefault();
    const result = await createQuestion({
      variables: { input: { workspaceSlug, question, expectedKind: kind, expected, tolerance: Number(tolerance) || 0 } },
    });
    const payload = result.data?.createAssistantEvaluationQuestion;
    if (payload?.success) {
      setQuestion("");
      setExpected("");
      setStatus({ ok: true, text: t("Question added.") });
      await refetch();
    } else {
      const errors = (payload?.errors ?? []).map((code) => describeEvaluationError(t, code)).join(" ");
      setStatus({ ok: false, text: [errors, payload?.message].filter(Boolean).join(" ") });
    }
  };

  const run = async () => {
    const result = await runEvaluation({ variables: { input: { workspaceSlug, model: model || null } } });
    const payload = result.data?.runAssistantEvaluation;
    if (payload?.success && payload.run) {
      setOpenRun(payload.run.id);
      setStatus(null);
    } else {
      setStatus({ ok: false, text: (payload?.errors ?? []).map((code) => describeEvaluationError(t, code)).join(" ") });
    }
    await refetch();
  };

  return (
    <div className="space-y-8">
      <section aria-label={t("Runs")}>
        <h2 className="text-sm font-medium text-gray-800">{t("Runs")}</h2>
        <p className="mt-1 text-xs text-gray-500">
          {t(
            "Each question is asked as a real conversation with the workspace's current settings, and its answer compared with the expected result.",
          )}
        </p>
        <div className="mt-3 flex items-center gap-2">
          <label htmlFor="evaluation-model" className="text-sm text-gray-700">
            {t("Model")}
          </label>
          <select
            id="evaluation-model"
            value={model || workspace?.assistantSettings?.model || ""}
            onChange={(event) => setModel(event.target.value)}
            className="rounded-md border border-gray-300 px-2 py-1.5 text-sm"
          >
            {(workspace?.assistantSettings?.availableModels ?? []).map((choice) => (
              <option key={choice.id} value={choice.id}>
                {choice.name}
              </option>
            ))}
          </select>
          <Button onClick={run} disabled={starting || running || evaluations.questions.length === 0}>
            {t("Run evaluation")}
          </Button>
        </div>
        {status ? (
          <p role={status.ok ? "status" : "alert"} className={status.ok ? "mt-2 text-sm text-green-700" : "mt-2 text-sm text-red-700"}>
            {status.text}
          </p>
        ) : null}
        <ul className="mt-3 divide-y divide-gray-100 rounded-md border border-gray-200 bg-white">
          {evaluations.runs.length === 0 ? <li className="px-3 py-2 text-sm text-gray-500">{t("No runs yet.")}</li> : null}
          {evaluations.runs.map((item) => (
            <li key={item.id} className="list-none">
              <ul>
                <RunLine run={item} open={openRun === item.id} onOpen={() => setOpenRun(openRun === item.id ? null : item.id)} />
              </ul>
              {openRun === item.id ? (
                <div className="px-3 pb-3">
                  <RunDetail runId={item.id} slug={workspaceSlug} />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      </section>

      <section aria-label={t("Evaluation questions")}>
        <h2 className="text-sm font-medium text-gray-800">{t("Evaluation questions")}</h2>
        <ul className="mt-3 divide-y divide-gray-100 rounded-md border border-gray-200 bg-white">
          {evaluations.questions.length === 0 ? (
            <li className="px-3 py-2 text-sm text-gray-500">{t("No questions yet.")}</li>
          ) : null}
          {evaluations.questions.map((item) => (
            <li key={item.id} className="flex items-start gap-3 px-3 py-2">
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium text-gray-800">{item.question}</p>
                <p className="text-xs text-gray-500">
                  {item.expectedKind}
                  {item.tolerance ? ` · ${t("tolerance {{tolerance}}", { tolerance: item.tolerance })}` : ""}
                </p>
                <pre className="mt-1 whitespace-pre-wrap break-all text-xs text-gray-600">{item.expected}</pre>
              </div>
              <Button
                variant="white"
                size="sm"
                aria-label={t("Delete {{title}}", { title: item.question })}
                onClick={async () => {
                  await deleteQuestion({ variables: { input: { id: item.id } } });
                  await refetch();
                }}
              >
                {t("Delete")}
              </Button>
            </li>
          ))}
        </ul>
        <form onSubmit={add} className="mt-3 space-y-2" aria-label={t("Add an evaluation question")}>
          <input
            aria-label={t("Question")}
            placeholder={t("Question")}
            value={question}
            onChange={(event) => setQuestion(event.target.value)}
            className="w-full rounded-md border border-gray-300 px-3 py-2 text-sm"
          />
          <div className="flex gap-2">
            <select
              aria-label={t("Expected result as")}
              value={kind}
              onChange={(event) => setKind(event.target.value as AssistantEvaluationExpectedKind)}
              className="rounded-md border border-gray-300 px-2 py-1.5 text-sm"
            >
              {evaluations.expectedKinds.map((choice) => (
                <option key={choice} value={choice}>
                  {choice === "SQL" ? t("SQL query") : choice === "FILES" ? t("Query over files (JSON)") : t("Values (JSON)")}
                </option>
              ))}
            </select>
            <input
              aria-label={t("Tolerance")}
              type="number"
              min="0"
              max="1"
              step="0.001"
              value={tolerance}
              onChange={(event) => setTolerance(event.target.value)}
              className="w-28 rounded-md border border-gray-300 px-2 py-1.5 text-sm"
            />
          </div>
          <textarea
            aria-label={t("Expected result")}
            placeholder={t("Expected result")}
            rows={3}
            value={expected}
            onChange={(event) => setExpected(event.target.value)}
            className="w-full rounded-md border border-gray-300 px-3 py-2 font-mono text-xs"
          />
          <Button type="submit" disabled={!question.trim() || !expected.trim()}>
            {t("Add question")}
          </Button>
        </form>
      </section>
    </div>
  );
};

export default Evaluations;
