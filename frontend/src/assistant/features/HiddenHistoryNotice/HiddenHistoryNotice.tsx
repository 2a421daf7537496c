import { useTranslation } from "core/helpers/i18n";

/**
 * After the last answer the model is no longer sent: those answers were written while the
 * workspace sent rows to the model, and its data policy now keeps row values from it. The
 * model is sent the questions above and a note in place of each such answer.
 */
function HiddenHistoryNotice() {
  const { t } = useTranslation();
  return (
    <div role="note" className="rounded-md border border-dashed border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-900">
      <p className="font-medium">{t("The assistant no longer sees its answers above")}</p>
      <p className="mt-1">
        {t(
          "They were written while rows were sent to the model. This workspace's data policy now keeps row values from it, so it starts again from your questions: ask again for anything you need from those answers.",
        )}
      </p>
    </div>
  );
}

export default HiddenHistoryNotice;
