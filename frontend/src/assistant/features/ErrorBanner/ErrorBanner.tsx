import { useEffect, useState } from "react";
import Button from "core/components/Button";
import { useTranslation } from "core/helpers/i18n";
import { describeError } from "assistant/helpers/errors";

type ErrorBannerProps = {
  code: string;
  /** The server's own words, shown under ours when they add something. */
  message?: string | null;
  onRetry?: () => void;
  onDismiss?: () => void;
  /** Seconds before Retry can work (a rate limit): the button waits, counting down. */
  retryAfter?: number;
};

/** Seconds left of `seconds`, counted down once a second from when the banner appeared. */
function useCountdown(seconds: number | undefined) {
  const [left, setLeft] = useState(seconds ?? 0);
  useEffect(() => {
    setLeft(seconds ?? 0);
    if (!seconds) return;
    const started = Date.now();
    const timer = setInterval(() => {
      const remaining = Math.max(0, seconds - Math.floor((Date.now() - started) / 1000));
      setLeft(remaining);
      if (remaining === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [seconds]);
  return left;
}

const ErrorBanner = ({ code, message, onRetry, onDismiss, retryAfter }: ErrorBannerProps) => {
  const { t } = useTranslation();
  const { text, retryable } = describeError(code);
  const wait = useCountdown(retryAfter);
  return (
    <div role="alert" className="flex items-start gap-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
      <div className="flex-1">
        <p>{text}</p>
        {message && message !== text ? <p className="mt-0.5 text-xs text-red-600">{message}</p> : null}
      </div>
      {onRetry && retryable ? (
        <Button size="sm" variant="white" onClick={onRetry} disabled={wait > 0}>
          {wait > 0 ? t("Retry in {{seconds}} s", { seconds: wait }) : t("Retry")}
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
