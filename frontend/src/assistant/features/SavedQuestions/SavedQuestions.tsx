import { useTranslation } from "core/helpers/i18n";
import { useAssistantSavedQuestionsQuery } from "./SavedQuestions.generated";

type Props = {
  workspaceSlug: string;
  /** Sends the question as the user's message. */
  onAsk: (text: string) => void;
  disabled?: boolean;
};

/** The workspace's saved questions, one click to ask; nothing when there are none. */
const SavedQuestions = ({ workspaceSlug, onAsk, disabled }: Props) => {
  const { t } = useTranslation();
  const { data } = useAssistantSavedQuestionsQuery({ variables: { slug: workspaceSlug }, skip: !workspaceSlug });
  const templates = data?.workspace?.assistantSettings?.promptTemplates ?? [];
  if (templates.length === 0) return null;
  return (
    <section aria-label={t("Saved questions")} className="mx-auto mt-6 max-w-2xl text-left">
      <h2 className="text-xs font-semibold uppercase tracking-wide text-gray-500">{t("Saved questions")}</h2>
      <ul className="mt-2 grid gap-2 sm:grid-cols-2">
        {templates.map((template) => (
          <li key={template.id}>
            <button
              type="button"
              disabled={disabled}
              onClick={() => onAsk(template.text)}
              title={template.text}
              className="w-full rounded-md border border-gray-200 bg-white px-3 py-2 text-left text-sm shadow-xs hover:border-blue-300 hover:bg-blue-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500 disabled:opacity-50"
            >
              <span className="block font-medium text-gray-800">{template.title}</span>
              <span className="mt-0.5 block truncate text-xs text-gray-500">{template.text}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
};

export default SavedQuestions;
