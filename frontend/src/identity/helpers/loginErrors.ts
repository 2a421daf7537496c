import { t } from "core/helpers/i18n";

/** "45 seconds", "1 minute", "15 minutes": a wait, rounded up to whole minutes past one minute. */
export function formatWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return t("{{count}} seconds", { count: s });
  return t("{{count}} minutes", { count: Math.ceil(s / 60) });
}

/** Plain words for the `errors` of the login mutation (`retryAfter` comes with TOO_MANY_ATTEMPTS). */
export function describeLoginError(errors: readonly string[], retryAfter?: number | null): string {
  if (errors.includes("TOO_MANY_ATTEMPTS")) {
    return retryAfter
      ? t("Too many failed attempts. Try again in {{wait}}.", { wait: formatWait(retryAfter) })
      : t("Too many failed attempts. Try again later.");
  }
  return t("Wrong email or password.");
}
