import Button from "core/components/Button";
import { useTranslation } from "core/helpers/i18n";
import { describeError } from "assistant/helpers/errors";

type ErrorBannerProps = {
  code: string;
  /** The server's own words, shown under ours when they add something. */
  message?: string | null;
  onRetry?: () => void;
  onDismiss?: () => void;
};

const ErrorBanner = ({ code, message, onRetry, onDismiss }: ErrorBannerProps) => {
  const { t } = useTranslation();
  const { text, retryable } = describeError(code);
  return (
    <div role="alert" className="flex items-start gap-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
      <div className="flex-1">
        <p>{text}</p>
        {message && message !== text ? <p className="mt-0.5 text-xs text-red-600">{message}</p> : null}
      </div>
      {onRetry && retryable ? (
        <Button size="sm" variant="white" onClick={onRetry}>
          {t("Retry")}
        </Button>
      ) : null}
      {onDismiss ? (
        <Button size="sm" variant="outlined" onClick={onDismiss} aria-label={t("Dismiss the error")}>
          ✕
        </Button>
      ) : null}
    </div>
  );
};

export default ErrorBanner;
