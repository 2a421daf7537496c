import { gql } from "@apollo/client";
import Badge from "core/components/Badge";
import Button from "core/components/Button";
import Spinner from "core/components/Spinner";
import { useTranslation } from "core/helpers/i18n";
import { useRef, useState } from "react";
import DiffView from "assistant/features/DiffView";
import RejectionForm from "assistant/features/RejectionForm";
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
  const [busy, setBusy] = useState<"approve" | "reject" | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const card = useRef<HTMLElement>(null);
  const readOnly = useReadOnly();
  const proposal = execution.proposal;
  if (!proposal) return null;
  // in a conversation shared with the reader, the decision is its owner's: shown, not offered
  const pending = execution.status === "PENDING_APPROVAL" && !readOnly;

  const run = async (kind: "approve" | "reject", reason = "") => {
    setBusy(kind);
    setErrors([]);
    try {
      const outcome = kind === "approve" ? await onApprove(execution.id) : await onReject(execution.id, reason);
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
        <RejectionForm
          onConfirm={(reason) => run("reject", reason)}
          onCancel={() => setRejecting(false)}
          disabled={busy !== null}
          confirming={busy === "reject"}
        />
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
