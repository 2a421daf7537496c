import { useTranslation } from "core/helpers/i18n";
import { useEffect, useState } from "react";

/** Copies `text()` to the clipboard; says "Copied" for a moment (announced to screen readers). */
/** `name`: the button's accessible name when several on the page would read alike ("Copy: “…”"). */
const CopyButton = ({ text, label, name }: { text: () => string; label: string; name?: string }) => {
  const { t } = useTranslation();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 1500);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text());
      setState("copied");
    } catch {
      setState("failed");
    }
  };
  return (
    <button
      type="button"
      onClick={copy}
      aria-label={name && state === "idle" ? name : undefined}
      className="rounded border border-gray-200 bg-white px-1.5 py-0.5 text-xs text-gray-600 hover:bg-gray-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500"
    >
      <span aria-live="polite">{state === "copied" ? t("Copied") : state === "failed" ? t("Copy failed") : label}</span>
    </button>
  );
};

export default CopyButton;
