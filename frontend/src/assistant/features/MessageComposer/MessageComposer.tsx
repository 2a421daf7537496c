import Button from "core/components/Button";
import { useTranslation } from "core/helpers/i18n";
import { formatTokens as formatCount } from "assistant/helpers/format";
import { KeyboardEvent, useEffect, useId, useRef, useState } from "react";

type MessageComposerProps = {
  onSend: (text: string) => void;
  onStop?: () => void;
  /** A turn is running: sending waits, Stop is offered. */
  running?: boolean;
  disabled?: boolean;
  maxLength?: number;
  /** The text, when the page holds it (e.g. to give back a message the server refused); the box keeps
   * its own otherwise. */
  value?: string;
  onChange?: (text: string) => void;
  /** Takes the focus when shown (a new conversation: the first thing to do is to write). */
  autoFocus?: boolean;
};

/** A touch screen's keyboard has no Shift: there, Enter starts a new line and the Send button sends. */
function touchKeyboard(): boolean {
  return typeof window !== "undefined" && Boolean(window.matchMedia?.("(pointer: coarse)").matches);
}

/** Enter sends, Shift+Enter starts a new line (on a touch screen, Enter starts a new line). */
const MessageComposer = ({ onSend, onStop, running, disabled, maxLength = 32000, value, onChange, autoFocus }: MessageComposerProps) => {
  const { t } = useTranslation();
  const [ownText, setOwnText] = useState("");
  const controlled = value !== undefined;
  const text = controlled ? value : ownText;
  const setText = (next: string) => {
    if (!controlled) setOwnText(next);
    onChange?.(next);
  };
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  // read after mounting (the server has no screen): the first render is the same on both sides
  const [touch, setTouch] = useState(false);
  useEffect(() => setTouch(touchKeyboard()), []);
  const hintId = useId();
  // Never cut what was typed or pasted: say it is too long and let the user shorten it.
  const tooLong = text.length > maxLength;
  const nearLimit = text.length > maxLength * 0.9;
  const canSend = !running && !disabled && !tooLong && text.trim().length > 0;

  const send = () => {
    if (!canSend) return;
    onSend(text);
    setText("");
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing && !touch) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form
      className="flex items-end gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <div className="flex-1">
        <label htmlFor={`${hintId}-input`} className="sr-only">
          {t("Message the assistant")}
        </label>
        <textarea
          id={`${hintId}-input`}
          ref={textareaRef}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          // eslint-disable-next-line jsx-a11y/no-autofocus -- a new conversation's only task is to write
          autoFocus={autoFocus}
          rows={Math.min(8, Math.max(2, text.split("\n").length))}
          disabled={disabled}
          aria-describedby={hintId}
          aria-invalid={tooLong || undefined}
          placeholder={t("Ask about this workspace's data and files…")}
          className="block w-full resize-none rounded-lg border border-gray-300 bg-white px-3 py-2 text-sm shadow-xs placeholder:text-gray-500 focus:border-blue-500 focus:ring-2 focus:ring-blue-500 focus:outline-none disabled:bg-gray-50"
        />
        <p id={hintId} className="mt-1 flex flex-wrap justify-between gap-x-3 text-xs text-gray-600">
          <span>{touch ? t("Send with the Send button; Enter starts a new line.") : t("Enter to send, Shift+Enter for a new line.")}</span>
          {nearLimit ? (
            <span className={tooLong ? "font-medium text-red-700" : undefined} data-testid="composer-counter">
              {tooLong
                ? t("{{length}} characters: over the limit of {{limit}}. Shorten the message or split it.", {
                    length: formatCount(text.length),
                    limit: formatCount(maxLength),
                  })
                : t("{{length}} of {{limit}} characters", {
                    length: formatCount(text.length),
                    limit: formatCount(maxLength),
                  })}
            </span>
          ) : null}
        </p>
      </div>
      <div className="mb-6 flex gap-2">
        {running && onStop ? (
          <Button
            variant="white"
            onClick={() => {
              onStop();
              // the button goes away once stopped: the focus goes where the next message is written
              textareaRef.current?.focus();
            }}
            aria-label={t("Stop the assistant")}
          >
            <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-xs bg-gray-700" />
            {t("Stop")}
          </Button>
        ) : null}
        <Button type="submit" disabled={!canSend} aria-label={t("Send message")}>
          {t("Send")}
        </Button>
      </div>
    </form>
  );
};

export default MessageComposer;
