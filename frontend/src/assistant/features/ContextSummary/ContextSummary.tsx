import { useTranslation } from "core/helpers/i18n";
import Markdown from "assistant/features/Markdown";

type Props = { text: string };

/**
 * Where earlier turns were summarised for the model: the conversation outgrew its context, so
 * the assistant is now sent this summary instead of the messages above (which stay shown here).
 */
function ContextSummary({ text }: Props) {
  const { t } = useTranslation();
  return (
    <details className="group rounded-md border border-dashed border-gray-300 bg-white px-4 py-2 text-sm text-gray-700">
      <summary className="cursor-pointer font-medium text-gray-800">
        {t("Earlier turns summarised for the assistant")}
      </summary>
      <p className="mt-2 text-gray-700">
        {t(
          "This conversation grew longer than the model can read at once. From here on, the assistant works from this summary of the messages above instead of the messages themselves.",
        )}
      </p>
      <div className="mt-2 border-t border-gray-100 pt-2">
        <Markdown>{text}</Markdown>
      </div>
    </details>
  );
}

export default ContextSummary;
