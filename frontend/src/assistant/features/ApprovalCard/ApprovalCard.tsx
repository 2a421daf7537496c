import { gql } from "@apollo/client";
import Badge from "core/components/Badge";
import Button from "core/components/Button";
import Spinner from "core/components/Spinner";
import { useTranslation } from "core/helpers/i18n";
import { useId, useRef, useState } from "react";
import DiffView from "assistant/features/DiffView";
import { formatSize } from "assistant/helpers/format";
import { useReadOnly } from "assistant/helpers/readOnly";
import { ApprovalCard_ExecutionFragment } from "./ApprovalCard.generated";

export type ResolveOutcome = { success: boolean; errors: string[] };

type ApprovalCardProps = {
  execution: ApprovalCard_ExecutionFragment;
  onApprove: (id: string) => Promise<ResolveOutcome | void> | void;
  onReject: (id: string, reason: string) => Promise<ResolveOutcome | void> | void;
  /** Turns the resolve errors codes into words. */
  describeError?: (code: string) => string;
};

/** A file write proposed by the model, held until the user approves or rejects it. */
const ApprovalCard = ({ execution, onApprove, onReject, describeError }: ApprovalCardProps) => {
  const { t } = useTranslation();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState<"approve" | "reject" | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const reasonId = useId();
  const card = useRef<HTMLElement>(null);
  const readOnly = useReadOnly();
  const proposal = execution.proposal;
  if (!proposal) return null;
  // in a conversation shared with the reader, the decision is its owner's: shown, not offered
  const pending = execution.status === "PENDING_APPROVAL" && !readOnly;

  const run = async (kind: "approve" | "reject") => {
    setBusy(kind);
    setErrors([]);
    try {
      const outcome = kind === "approve" ? await onApprove(execution.id) : await onReject(execution.id, reason.trim());
      if (outcome && !outcome.success) setErrors(outcome.errors);
      else {
        if (kind === "reject") setRejecting(false);
        // its buttons are gone: the focus stays on the card, which now says what became of the write
        card.current?.focus();
      }
    } catch {
      setErrors(["WRITE_FAILED"]);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section
      ref={card}
      tabIndex={-1}
      data-pending-approval={pending || undefined}
      aria-label={t("Proposed write to {{path}}", { path: proposal.path })}
      className="rounded-lg border border-amber-300 bg-amber-50/60 p-3 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm font-medium text-gray-900">
          {pending ? t("The assistant wants to write a file") : t("Proposed write")}
        </span>
        <Badge color={proposal.action === "CREATE" ? "green" : "amber"}>
          {proposal.action === "CREATE" ? t("New file") : t("Overwrites the file")}
        </Badge>
        <code className="rounded bg-white px-1.5 py-0.5 font-mono text-xs text-gray-800 ring-1 ring-gray-200">
          {proposal.path}
        </code>
        <span className="text-xs text-gray-500">{formatSize(proposal.size)}</span>
        <span className="ml-auto">
          {execution.status === "APPROVED" && <Badge color="green">{t("Approved — written")}</Badge>}
          {execution.status === "REJECTED" && <Badge color="gray">{t("Rejected — nothing written")}</Badge>}
          {execution.status === "FAILED" && <Badge color="red">{t("Not written")}</Badge>}
          {execution.status === "UNANSWERED" && <Badge color="gray">{t("Not decided — nothing written")}</Badge>}
          {pending && <Badge color="amber">{t("Awaiting your decision")}</Badge>}
        </span>
      </div>

      <div className="mt-2">
        {proposal.diff ? (
          <DiffView diff={proposal.diff} />
        ) : (
          <p className="text-xs text-gray-600">{t("No diff can be shown for this file.")}</p>
        )}
      </div>

      {execution.status === "REJECTED" && proposal.rejectionReason ? (
        <p className="mt-2 text-xs text-gray-600">
          {t("Reason: {{reason}}", { reason: proposal.rejectionReason })}
        </p>
      ) : null}

      {errors.length > 0 && (
        <div role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {errors.map((code) => (
            <p key={code}>{describeError ? describeError(code) : code}</p>
          ))}
        </div>
      )}

      {pending && !rejecting && (
        <div className="mt-3 flex gap-2">
          <Button onClick={() => run("approve")} disabled={busy !== null} aria-label={t("Approve writing {{path}}", { path: proposal.path })}>
            {busy === "approve" ? <Spinner /> : null}
            {t("Approve")}
          </Button>
          <Button variant="white" onClick={() => setRejecting(true)} disabled={busy !== null} aria-label={t("Reject writing {{path}}", { path: proposal.path })}>
            {t("Reject")}
          </Button>
        </div>
      )}
      {pending && rejecting && (
        <form
          className="mt-3 flex flex-wrap items-end gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            run("reject");
          }}
        >
          <div className="min-w-64 flex-1">
            <label htmlFor={reasonId} className="block text-xs font-medium text-gray-700">
              {t("Reason (optional, told to the assistant)")}
            </label>
            <input
              id={reasonId}
              autoFocus
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              maxLength={2000}
              className="mt-1 block w-full rounded-md border border-gray-300 px-2.5 py-1.5 text-sm shadow-xs focus:border-blue-500 focus:ring-2 focus:ring-blue-500 focus:outline-none"
            />
          </div>
          <Button type="submit" variant="danger" disabled={busy !== null}>
            {busy === "reject" ? <Spinner /> : null}
            {t("Confirm rejection")}
          </Button>
          <Button variant="outlined" onClick={() => setRejecting(false)} disabled={busy !== null}>
            {t("Cancel")}
          </Button>
        </form>
      )}
    </section>
  );
};

ApprovalCard.fragments = {
  execution: gql`
    fragment ApprovalCard_execution on AssistantToolExecution {
      id
      status
      proposal {
        path
        action
        size
        diff
        rejectionReason
        resolvedAt
      }
    }
  `,
};

export default ApprovalCard;
