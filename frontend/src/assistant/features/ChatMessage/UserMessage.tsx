import Button from "core/components/Button";
import { useTranslation } from "core/helpers/i18n";
import { KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { UserMessageActions } from "assistant/features/MessageActions";
import { actsOn } from "assistant/helpers/names";
import { useReadOnly } from "assistant/helpers/readOnly";
import type { ChatMessage_MessageFragment } from "./ChatMessage.generated";

export type UserMessageProps = {
  message: ChatMessage_MessageFragment;
  /** Once it was edited: the ids of its versions in the order written (itself included). */
  versions?: readonly string[];
  /** Edit and resend: the new text replaces this question and everything after it (as a new branch). */
  onEdit?: (messageId: string, text: string) => void;
  /** Show the branch of another version of this question. */
  onSwitchVersion?: (messageId: string) => void;
  /** A turn runs: editing and switching wait for it. */
  busy?: boolean;
};

const switchClass =
  "min-h-6 min-w-6 rounded px-1.5 text-sm text-gray-700 hover:bg-gray-100 disabled:text-gray-300 focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500";

/** One of the user's questions: its text, Copy, Edit (in place, as in Claude.ai), and "‹ 1/2 ›"
 * between its versions once it was edited. */
const UserMessage = ({ message, versions = [], onEdit, onSwitchVersion, busy }: UserMessageProps) => {
  const { t } = useTranslation();
  const readOnly = useReadOnly();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(message.text);
  const box = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  useEffect(() => {
    if (editing) box.current?.focus();
  }, [editing]);

  const position = versions.indexOf(message.id);
  const canEdit = Boolean(onEdit) && !readOnly && !message.id.startsWith("live-");

  const submit = () => {
    if (!text.trim() || busy || !onEdit) return;
    setEditing(false);
    onEdit(message.id, text);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Escape") setEditing(false);
    // as in the composer: Enter sends, Shift+Enter is a new line (a touch keyboard has the button)
    const touch = window.matchMedia?.("(pointer: coarse)").matches;
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing && !touch) {
      event.preventDefault();
      submit();
    }
  };

  if (editing) {
    return (
      <article aria-label={t("Your message")} className="flex flex-col items-end" data-message-id={message.id}>
        <form
          className="w-full max-w-[80%] space-y-2"
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <label htmlFor={id} className="sr-only">
            {t("Edit your message")}
          </label>
          <textarea
            id={id}
            ref={box}
            value={text}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={onKeyDown}
            rows={Math.min(8, Math.max(2, text.split("\n").length))}
            className="block w-full resize-y rounded-md border border-gray-300 px-3 py-2 text-sm shadow-xs focus:border-blue-500 focus:ring-blue-500"
          />
          <p className="text-xs text-gray-600">{t("Sending replaces this message and what follows it; the earlier version stays reachable.")}</p>
          <div className="flex justify-end gap-2">
            <Button variant="white" size="sm" type="button" onClick={() => setEditing(false)}>
              {t("Cancel")}
            </Button>
            <Button size="sm" type="submit" disabled={busy || !text.trim()}>
              {t("Resend")}
            </Button>
          </div>
        </form>
      </article>
    );
  }

  return (
    <article aria-label={t("Your message")} className="flex flex-col items-end" data-message-id={message.id}>
      <div className="max-w-[80%] rounded-2xl rounded-br-sm bg-blue-600 px-4 py-2 text-sm whitespace-pre-wrap text-white shadow-xs">
        {message.text}
      </div>
      <div className="flex flex-wrap items-center justify-end gap-1.5">
        {versions.length > 1 && position >= 0 ? (
          <nav aria-label={actsOn(t, t("Versions"), message.text)} className="mt-1 flex items-center text-xs text-gray-600">
            <button
              type="button"
              className={switchClass}
              disabled={busy || readOnly || position === 0 || !onSwitchVersion}
              onClick={() => onSwitchVersion?.(versions[position - 1])}
              aria-label={actsOn(t, t("Previous version"), message.text)}
            >
              ‹
            </button>
            <span data-testid="version-position">{t("{{n}}/{{total}}", { n: position + 1, total: versions.length })}</span>
            <button
              type="button"
              className={switchClass}
              disabled={busy || readOnly || position === versions.length - 1 || !onSwitchVersion}
              onClick={() => onSwitchVersion?.(versions[position + 1])}
              aria-label={actsOn(t, t("Next version"), message.text)}
            >
              ›
            </button>
          </nav>
        ) : null}
        {message.text ? (
          <UserMessageActions
            text={message.text}
            onEdit={
              canEdit && !busy
                ? () => {
                    setText(message.text);
                    setEditing(true);
                  }
                : undefined
            }
          />
        ) : null}
      </div>
    </article>
  );
};

export default UserMessage;
