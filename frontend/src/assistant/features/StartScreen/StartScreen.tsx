import { TFunction, useTranslation } from "core/helpers/i18n";
import { AssistantExampleQuestionKind } from "graphql/types";
import { useAssistantStartScreenQuery } from "./StartScreen.generated";

/** An example question in the reader's language (the server sends its kind and subject). */
function exampleText(t: TFunction, kind: AssistantExampleQuestionKind, subject: string | null | undefined): string {
  switch (kind) {
    case "TABLE_CONTENTS":
      return t("What is in the {{subject}} table?", { subject });
    case "TABLE_ROWS":
      return t("How many rows does {{subject}} have, and what does one row stand for?", { subject });
    case "SUMMARISE_FILE":
      return t("Summarise {{subject}}", { subject });
    case "BUCKET_FILES":
      return t("Which files are in the bucket?");
    default:
      return t("What can you do in this workspace?");
  }
}

type Props = {
  workspaceSlug: string;
  /** Sends the question as the user's message. */
  onAsk: (text: string) => void;
  disabled?: boolean;
};

const chipClass = "rounded bg-gray-100 px-1.5 py-0.5 font-mono text-xs text-gray-700";

/** A new conversation's start: example questions built from the workspace's own tables and
 * files, and a short view of what the assistant can reach (for a viewer: that it cannot write). */
const StartScreen = ({ workspaceSlug, onAsk, disabled }: Props) => {
  const { t } = useTranslation();
  const { data } = useAssistantStartScreenQuery({ variables: { slug: workspaceSlug }, skip: !workspaceSlug });
  const screen = data?.workspace?.assistantStartScreen;
  if (!screen) return null;
  const moreTables = screen.tableCount - screen.tables.length;
  const moreEntries = screen.entryCount - screen.entries.length;
  return (
    <div className="mx-auto mt-6 max-w-2xl space-y-5 text-left">
      <section aria-label={t("Example questions")}>
        <h2 className="text-xs font-semibold tracking-wide text-gray-600 uppercase">{t("Example questions")}</h2>
        <ul className="mt-2 grid gap-2 sm:grid-cols-2">
          {screen.exampleQuestions.map(({ kind, subject }) => exampleText(t, kind, subject)).map((example) => (
            <li key={example}>
              <button
                type="button"
                disabled={disabled}
                onClick={() => onAsk(example)}
                className="w-full rounded-md border border-gray-200 bg-white px-3 py-2 text-left text-sm text-gray-800 shadow-xs hover:border-blue-300 hover:bg-blue-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500 disabled:opacity-50"
              >
                {example}
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section aria-label={t("What the assistant can reach")} className="text-sm text-gray-700">
        <h2 className="text-xs font-semibold tracking-wide text-gray-600 uppercase">{t("What the assistant can reach")}</h2>
        <p className="mt-2">
          {screen.tableCount > 0
            ? t("The workspace database: {{count}} tables and views", { count: screen.tableCount })
            : t("The workspace database has no tables yet.")}
        </p>
        {screen.tables.length > 0 ? (
          <p className="mt-1 flex flex-wrap gap-1">
            {screen.tables.map((table) => (
              <span key={table.name} className={chipClass}>
                {table.name}
              </span>
            ))}
            {moreTables > 0 ? <span className="text-xs text-gray-600">{t("and {{n}} more", { n: moreTables })}</span> : null}
          </p>
        ) : null}
        <p className="mt-2">
          {screen.entryCount > 0
            ? t("The workspace bucket: {{count}} entries at its root", { count: screen.entryCount })
            : t("The workspace bucket is empty.")}
        </p>
        {screen.entries.length > 0 ? (
          <p className="mt-1 flex flex-wrap gap-1">
            {screen.entries.map((entry) => (
              <span key={entry.name} className={chipClass}>
                {entry.isDirectory ? `${entry.name}/` : entry.name}
              </span>
            ))}
            {moreEntries > 0 ? <span className="text-xs text-gray-600">{t("and {{n}} more", { n: moreEntries })}</span> : null}
          </p>
        ) : null}
        {data?.workspace?.myRole === "VIEWER" ? (
          <p className="mt-2 rounded-md border border-gray-200 bg-gray-50 px-3 py-2 text-gray-700">
            {t("As a viewer, you can ask about the data and files; the assistant cannot write files for you.")}
          </p>
        ) : null}
      </section>
    </div>
  );
};

export default StartScreen;
