import clsx from "clsx";
import { useState } from "react";
import { type Language, setLanguage, useTranslation } from "core/helpers/i18n";
import { useUpdateUserLanguageMutation } from "identity/graphql/queries.generated";

// Each language is named in itself, whatever the page's language.
const CHOICES: { language: Language; short: string; name: string }[] = [
  { language: "en", short: "EN", name: "English" },
  { language: "fr", short: "FR", name: "Français" },
];

/**
 * EN / FR: switches the page at once and saves the choice on the user's account (so that it
 * follows them to other pages and browsers); a choice that could not be saved is undone.
 */
const LanguageSwitch = () => {
  const { t, language } = useTranslation();
  const [updateUser, { loading }] = useUpdateUserLanguageMutation();
  const [failed, setFailed] = useState(false);

  const choose = async (choice: Language) => {
    if (choice === language) return;
    setFailed(false);
    const previous = language;
    await setLanguage(choice);
    const result = await updateUser({ variables: { language: choice } }).catch(() => null);
    if (!result?.data?.updateUser.success) {
      await setLanguage(previous);
      setFailed(true);
    }
  };

  return (
    <div className="mt-2">
      <div role="group" aria-label={t("Language")} className="flex gap-1 text-xs">
        {CHOICES.map(({ language: choice, short, name }) => (
          <button
            key={choice}
            type="button"
            lang={choice}
            title={name}
            aria-pressed={choice === language}
            disabled={loading}
            onClick={() => choose(choice)}
            className={clsx(
              "rounded-sm px-1.5 py-0.5 focus:outline-none focus-visible:ring-2 focus-visible:ring-white",
              choice === language ? "bg-gray-600 text-white" : "text-gray-300 hover:text-white",
            )}
          >
            {/* seen: EN / FR; heard: the language's name (a name must contain what is seen, or be it) */}
            <span aria-hidden="true">{short}</span>
            <span className="sr-only">{name}</span>
          </button>
        ))}
      </div>
      {failed ? (
        <p role="alert" className="mt-1 text-xs text-red-300">
          {t("Your language could not be saved.")}
        </p>
      ) : null}
    </div>
  );
};

export default LanguageSwitch;
