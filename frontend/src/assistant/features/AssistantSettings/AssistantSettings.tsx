import Link from "next/link";
import { useEffect, useState } from "react";
import Button from "core/components/Button";
import Spinner from "core/components/Spinner";
import { TFunction, useTranslation } from "core/helpers/i18n";
import { formatCost, formatDate, formatNumber } from "assistant/helpers/format";
import type { AssistantSettingsError, AssistantToolName } from "graphql/types";
import {
  AssistantSettings_SettingsFragment,
  useAssistantSettingsQuery,
  useCreateAssistantPromptTemplateMutation,
  useDeleteAssistantPromptTemplateMutation,
  useUpdateAssistantPromptTemplateMutation,
  useUpdateAssistantSettingsMutation,
} from "./AssistantSettings.generated";

type Settings = AssistantSettings_SettingsFragment;
type Template = Settings["promptTemplates"][number];

export function describeSettingsError(t: TFunction, code: AssistantSettingsError): string {
  const messages: Partial<Record<AssistantSettingsError, string>> = {
    PERMISSION_DENIED: t("Only workspace admins can change the assistant's settings."),
    INVALID_MODEL: t("This model is not offered by the server."),
    INSTRUCTIONS_TOO_LONG: t("The instructions are too long."),
    INVALID_INSTRUCTIONS: t("The instructions contain a character that cannot be stored."),
    INVALID_TOOL: t("One of the tools does not exist."),
    INVALID_TITLE: t("A saved question needs a title of at most 100 characters."),
    INVALID_TEXT: t("A saved question needs a text of at most 4,000 characters."),
    TOO_MANY_TEMPLATES: t("This workspace has the most saved questions it can have."),
    NOT_FOUND: t("This saved question no longer exists."),
    WORKSPACE_NOT_FOUND: t("This workspace does not exist or you are not a member of it."),
  };
  return messages[code] ?? code;
}

// prices per million tokens, written in the page's language (e.g. "3,00 $US")
const price = (value: string) => formatCost(value);

/** What a tool does, in the reader's language (a tool not listed here shows its name alone). */
function toolTitle(t: TFunction, name: AssistantToolName): string | null {
  const titles: Partial<Record<AssistantToolName, string>> = {
    list_files: t("List files"),
    read_file: t("Read files"),
    search_files: t("Search files"),
    write_file: t("Write a file (with your approval)"),
    query_database: t("Query the database"),
    describe_tables: t("Describe tables"),
    create_chart: t("Make a chart"),
    ask_user: t("Ask you a question"),
    query_files: t("Query files"),
  };
  return titles[name] ?? null;
}

/** Whether the server made the change itself: a move off a model Anthropic retired. */
const byServer = (changes: Record<string, { retired?: boolean }>) => Object.values(changes ?? {}).some((change) => change?.retired);

/** One line per changed field of a recorded change. */
export function describeChange(t: TFunction, changes: Record<string, { before: any; after: any }>): string[] {
  return Object.entries(changes ?? {}).map(([field, { before, after }]) => {
    if (field === "instructions") return t("Instructions changed");
    if (field === "send_rows_to_model") return after ? t("Rows are sent to the model") : t("Rows are no longer sent to the model");
    if (field === "follow_ups") return after ? t("Follow-up questions are proposed") : t("Follow-up questions are no longer proposed");
    if (field === "model" && (changes[field] as { retired?: boolean }).retired)
      return t("Model retired by Anthropic: {{before}} → {{after}}", { before: String(before), after: String(after) });
    if (field === "model") return t("Model: {{before}} → {{after}}", { before: String(before), after: String(after) });
    if (field === "conversation_model")
      return t("A conversation's model was retired by Anthropic: {{before}} → {{after}}", {
        before: String(before),
        after: String(after),
      });
    if (field === "enabled_tools") return t("Tools: {{after}}", { after: (after as string[]).join(", ") || t("none") });
    if (field === "prompt_template") {
      if (!before) return t("Saved question added: {{title}}", { title: after.title });
      if (!after) return t("Saved question removed: {{title}}", { title: before.title });
      return t("Saved question edited: {{title}}", { title: after.title });
    }
    return field;
  });
}

const TemplateEditor = ({
  initial,
  onSave,
  onCancel,
  saveLabel,
}: {
  initial?: Template;
  onSave: (title: string, text: string) => Promise<boolean>;
  onCancel?: () => void;
  saveLabel: string;
}) => {
  const { t } = useTranslation();
  const [title, setTitle] = useState(initial?.title ?? "");
  const [text, setText] = useState(initial?.text ?? "");
  const [busy, setBusy] = useState(false);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const saved = await onSave(title, text);
    setBusy(false);
    if (saved && !initial) {
      setTitle("");
      setText("");
    }
  };
  return (
    <form onSubmit={submit} className="space-y-2" aria-label={initial ? t("Edit saved question") : t("New saved question")}>
      <input
        aria-label={t("Question title")}
        placeholder={t("Title, e.g. Weekly cases")}
        value={title}
        maxLength={100}
        onChange={(event) => setTitle(event.target.value)}
        className="w-full rounded-md border border-gray-300 px-2 py-1.5 text-sm"
      />
      <textarea
        aria-label={t("Question text")}
        placeholder={t("The question, as the user would ask it")}
        value={text}
        maxLength={4000}
        rows={2}
        onChange={(event) => setText(event.target.value)}
        className="w-full rounded-md border border-gray-300 px-2 py-1.5 text-sm"
      />
      <div className="flex gap-2">
        <Button type="submit" size="sm" disabled={busy || !title.trim() || !text.trim()}>
          {saveLabel}
        </Button>
        {onCancel ? (
          <Button variant="white" size="sm" onClick={onCancel}>
            {t("Cancel")}
          </Button>
        ) : null}
      </div>
    </form>
  );
};

/** The workspace's assistant settings: editable by its admins, read-only for other members. */
const AssistantSettings = ({ workspaceSlug }: { workspaceSlug: string }) => {
  const { t } = useTranslation();
  const { data, loading, refetch } = useAssistantSettingsQuery({ variables: { slug: workspaceSlug }, skip: !workspaceSlug });
  const [update, { loading: saving }] = useUpdateAssistantSettingsMutation();
  const [createTemplate] = useCreateAssistantPromptTemplateMutation();
  const [updateTemplate] = useUpdateAssistantPromptTemplateMutation();
  const [deleteTemplate] = useDeleteAssistantPromptTemplateMutation();
  const settings = data?.workspace?.assistantSettings ?? null;
  const [instructions, setInstructions] = useState("");
  const [model, setModel] = useState("");
  const [tools, setTools] = useState<AssistantToolName[]>([]);
  const [sendRows, setSendRows] = useState(true);
  const [followUps, setFollowUps] = useState(true);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  useEffect(() => {
    if (!settings) return;
    setInstructions(settings.instructions);
    setModel(settings.model);
    setTools(settings.enabledTools);
    setSendRows(settings.sendRowsToModel);
    setFollowUps(settings.followUps);
  }, [settings]);

  if (loading && !data) {
    return (
      <div className="p-8 text-center text-gray-500">
        <Spinner label={t("Loading")} />
      </div>
    );
  }
  if (!settings) {
    return (
      <p role="alert" className="p-8 text-center text-sm text-gray-600">
        {t("This workspace does not exist or you are not a member of it.")}
      </p>
    );
  }
  const readOnly = !settings.canManage;
  const tooLong = instructions.length > settings.maxInstructionsLength;

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setStatus(null);
    const result = await update({
      variables: { input: { workspaceSlug, instructions, model, enabledTools: tools, sendRowsToModel: sendRows, followUps } },
    });
    const payload = result.data?.updateAssistantSettings;
    if (payload?.success) {
      setStatus({ ok: true, text: t("Settings saved.") });
      await refetch();
    } else {
      setStatus({
        ok: false,
        text: (payload?.errors ?? []).map((code) => describeSettingsError(t, code)).join(" ") || t("The settings could not be saved."),
      });
    }
  };

  const templateResult = async (payload?: { success: boolean; errors: AssistantSettingsError[] } | null) => {
    if (payload?.success) {
      setStatus(null);
      await refetch();
      return true;
    }
    setStatus({ ok: false, text: (payload?.errors ?? []).map((code) => describeSettingsError(t, code)).join(" ") });
    return false;
  };

  const toggleTool = (name: AssistantToolName) =>
    setTools((current) => (current.includes(name) ? current.filter((tool) => tool !== name) : [...current, name]));

  return (
    <div className="space-y-8">
      {readOnly ? (
        <p className="rounded-md bg-gray-100 px-3 py-2 text-sm text-gray-700">
          {t("Only workspace admins can change these settings.")}
        </p>
      ) : null}
      {settings.canManage ? (
        <Link
          href={`/workspaces/${encodeURIComponent(workspaceSlug)}/assistant/evaluations`}
          className="text-sm font-medium text-blue-700 hover:underline"
        >
          {t("Evaluations: how often the assistant is right on this workspace's data")}
        </Link>
      ) : null}
      <form onSubmit={save} className="space-y-6" aria-label={t("Assistant settings")}>
        <fieldset disabled={readOnly} className="space-y-6">
          <div>
            <label htmlFor="assistant-instructions" className="block text-sm font-medium text-gray-800">
              {t("Instructions for the assistant")}
            </label>
            <p className="mt-1 text-xs text-gray-500">
              {t(
                "Your workspace's own words, e.g. district codes or the reporting calendar. They are given to the model below OpenHEXA's rules, and cannot override them.",
              )}
            </p>
            <textarea
              id="assistant-instructions"
              value={instructions}
              rows={6}
              onChange={(event) => setInstructions(event.target.value)}
              className="mt-2 w-full rounded-md border border-gray-300 px-3 py-2 text-sm"
            />
            <p className={tooLong ? "text-xs text-red-700" : "text-xs text-gray-500"} aria-live="polite">
              {t("{{count}} / {{max}} characters", {
                count: formatNumber(instructions.length),
                max: formatNumber(settings.maxInstructionsLength),
              })}
            </p>
          </div>

          <div>
            <label htmlFor="assistant-model" className="block text-sm font-medium text-gray-800">
              {t("Model")}
            </label>
            <p className="mt-1 text-xs text-gray-500">
              {t("For new conversations; a conversation keeps the model it started with. Prices in USD per million tokens.")}
            </p>
            {settings.retiredModel ? (
              <p role="status" className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
                {t(
                  "Anthropic has retired {{retired}}, the model this workspace used: it now uses the server's default model, {{current}}. Conversations on the retired model go on with this workspace's model.",
                  { retired: settings.retiredModel, current: settings.model },
                )}
              </p>
            ) : null}
            <select
              id="assistant-model"
              value={model}
              onChange={(event) => setModel(event.target.value)}
              className="mt-2 rounded-md border border-gray-300 px-2 py-1.5 text-sm"
            >
              {settings.availableModels.map((choice) => (
                <option key={choice.id} value={choice.id}>
                  {t("{{name}} — {{input}} input / {{output}} output", {
                    name: choice.name,
                    input: price(choice.inputPrice),
                    output: price(choice.outputPrice),
                  })}
                </option>
              ))}
            </select>
          </div>

          <fieldset>
            <legend className="text-sm font-medium text-gray-800">{t("Tools the assistant may use")}</legend>
            <div className="mt-2 grid gap-1 sm:grid-cols-3">
              {settings.availableTools.map((name) => (
                <label key={name} className="flex items-center gap-2 text-sm text-gray-700">
                  <input type="checkbox" checked={tools.includes(name)} onChange={() => toggleTool(name)} />
                  <span>
                    {toolTitle(t, name)} <code className="text-xs text-gray-600">{name}</code>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>

          <div>
            <label className="flex items-center gap-2 text-sm font-medium text-gray-800">
              <input type="checkbox" checked={sendRows} onChange={(event) => setSendRows(event.target.checked)} />
              {t("Send row values to the model")}
            </label>
            <p className="mt-1 text-xs text-gray-500">
              {sendRows
                ? t("The model sees the rows your queries and files return, as you do.")
                : t(
                    "The model sees table and column names, types, row counts and file sizes, and the results of counts, sums and averages over groups of at least 5 rows. It never sees row values from the database or data files; you still see full results on this page.",
                  )}
            </p>
          </div>
          <div>
            <label className="flex items-center gap-2 text-sm font-medium text-gray-800">
              <input type="checkbox" checked={followUps} onChange={(event) => setFollowUps(event.target.checked)} />
              {t("Propose follow-up questions")}
            </label>
            <p className="mt-1 text-xs text-gray-500">
              {t("Up to three short questions under each answer, written by a small model (billed with the usage); a click asks one.")}
            </p>
          </div>
        </fieldset>
        {!readOnly ? (
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={saving || tooLong}>
              {t("Save settings")}
            </Button>
            {status ? (
              <p role={status.ok ? "status" : "alert"} className={status.ok ? "text-sm text-green-700" : "text-sm text-red-700"}>
                {status.text}
              </p>
            ) : null}
          </div>
        ) : null}
      </form>

      <section aria-label={t("Saved questions")}>
        <h2 className="text-sm font-medium text-gray-800">{t("Saved questions")}</h2>
        <p className="mt-1 text-xs text-gray-500">{t("Shown on the start screen of a new conversation, one click to ask.")}</p>
        <ul className="mt-3 divide-y divide-gray-100 rounded-md border border-gray-200 bg-white">
          {settings.promptTemplates.length === 0 ? (
            <li className="px-3 py-2 text-sm text-gray-500">{t("No saved questions yet.")}</li>
          ) : null}
          {settings.promptTemplates.map((template) => (
            <li key={template.id} className="px-3 py-2">
              {editing === template.id ? (
                <TemplateEditor
                  initial={template}
                  saveLabel={t("Save")}
                  onCancel={() => setEditing(null)}
                  onSave={async (title, text) => {
                    const result = await updateTemplate({ variables: { input: { id: template.id, title, text } } });
                    const saved = await templateResult(result.data?.updateAssistantPromptTemplate);
                    if (saved) setEditing(null);
                    return saved;
                  }}
                />
              ) : (
                <div className="flex items-start gap-3">
                  <div className="min-w-0 flex-1">
                    <p className="text-sm font-medium text-gray-800">{template.title}</p>
                    <p className="text-xs text-gray-500 whitespace-pre-wrap">{template.text}</p>
                  </div>
                  {!readOnly ? (
                    <span className="flex gap-1">
                      <Button variant="white" size="sm" onClick={() => setEditing(template.id)} aria-label={t("Edit {{title}}", { title: template.title })}>
                        {t("Edit")}
                      </Button>
                      <Button
                        variant="white"
                        size="sm"
                        aria-label={t("Delete {{title}}", { title: template.title })}
                        onClick={async () => {
                          const result = await deleteTemplate({ variables: { input: { id: template.id } } });
                          await templateResult(result.data?.deleteAssistantPromptTemplate);
                        }}
                      >
                        {t("Delete")}
                      </Button>
                    </span>
                  ) : null}
                </div>
              )}
            </li>
          ))}
        </ul>
        {!readOnly ? (
          <div className="mt-3">
            <TemplateEditor
              saveLabel={t("Add question")}
              onSave={async (title, text) => {
                const result = await createTemplate({ variables: { input: { workspaceSlug, title, text } } });
                return templateResult(result.data?.createAssistantPromptTemplate);
              }}
            />
          </div>
        ) : null}
      </section>

      {settings.canManage ? (
        <section aria-label={t("Change history")}>
          <h2 className="text-sm font-medium text-gray-800">{t("Change history")}</h2>
          {settings.changes.length === 0 ? (
            <p className="mt-1 text-sm text-gray-500">{t("No changes yet.")}</p>
          ) : (
            <ol className="mt-2 space-y-1 text-sm text-gray-700">
              {settings.changes.map((change) => (
                <li key={change.id}>
                  <span className="text-gray-500">{formatDate(change.createdAt)}</span>{" "}
                  <span className="font-medium">
                    {change.user?.email ?? (byServer(change.changes) ? t("the server") : t("a deleted user"))}
                  </span>
                  :{" "}
                  {describeChange(t, change.changes).join("; ")}
                </li>
              ))}
            </ol>
          )}
        </section>
      ) : null}
    </div>
  );
};

export default AssistantSettings;
