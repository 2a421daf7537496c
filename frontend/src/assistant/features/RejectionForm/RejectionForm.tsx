import Button from "core/components/Button";
import Spinner from "core/components/Spinner";
import { useTranslation } from "core/helpers/i18n";
import { useId, useState } from "react";

type RejectionFormProps = {
  /** Rejects, with the reason typed (trimmed; empty when none). */
  onConfirm: (reason: string) => void;
  onCancel: () => void;
  /** Something the card started is under way: the buttons wait for it. */
  disabled: boolean;
  /** The rejection itself is under way. */
  confirming: boolean;
};

/** Rejecting a proposal of the model (a file write, a pipeline run), with an optional reason
 * told to the assistant. The reason's field may shrink to fit beside the buttons (min-w-0),
 * down to 12 rem before it wraps above them, so that the form fits a 360 px screen. */
const RejectionForm = ({ onConfirm, onCancel, disabled, confirming }: RejectionFormProps) => {
  const { t } = useTranslation();
  const [reason, setReason] = useState("");
  const reasonId = useId();
  return (
    <form
      className="mt-3 flex flex-wrap items-end gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        onConfirm(reason.trim());
      }}
    >
      <div className="min-w-0 flex-1 basis-48">
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
      <Button type="submit" variant="danger" disabled={disabled}>
        {confirming ? <Spinner /> : null}
        {t("Confirm rejection")}
      </Button>
      <Button variant="outlined" onClick={onCancel} disabled={disabled}>
        {t("Cancel")}
      </Button>
    </form>
  );
};

export default RejectionForm;
