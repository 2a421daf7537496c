/**
 * Translations, with i18next as OpenHEXA does. The key of a string is its English text
 * (`t("Send")`), so English needs no catalogue beyond its plural forms; `locales/fr.json`
 * holds the French of every key (a test checks that none is missing or left over).
 * Catalogues are bundled: nothing is fetched at run time. React escapes what it renders, so
 * i18next does not.
 *
 * Components call `useTranslation()` (they render again when the language changes); the few
 * helpers outside components call `t` directly, at call time, never when their module loads.
 */
import i18next from "i18next";
import { initReactI18next, useTranslation as useI18nextTranslation } from "react-i18next";
import en from "locales/en.json";
import fr from "locales/fr.json";

export const LANGUAGES = ["en", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "en";

export type TFunction = (key: string, values?: Record<string, unknown>) => string;

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, fr: { translation: fr } },
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: LANGUAGES,
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  initAsync: false,
  returnNull: false,
  returnEmptyString: false,
});

/** Translates with the current language (for helpers outside components). */
export const t: TFunction = (key, values) => String(i18n.t(key, values as never));

export function useTranslation(): { t: TFunction; language: Language } {
  const { t: translate, i18n: instance } = useI18nextTranslation(undefined, { i18n });
  return { t: translate as unknown as TFunction, language: toLanguage(instance.resolvedLanguage) ?? DEFAULT_LANGUAGE };
}

/** The current language (for the formatting helpers). */
export function currentLanguage(): Language {
  return toLanguage(i18n.resolvedLanguage) ?? DEFAULT_LANGUAGE;
}

/** A supported language from a tag such as "fr-BE" or "EN"; null when it is none of them. */
export function toLanguage(tag: string | null | undefined): Language | null {
  const base = (tag ?? "").trim().toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : null;
}

/** The user's setting first, then the browser's languages in their order, then English. */
export function chooseLanguage(
  userLanguage: string | null | undefined,
  browserLanguages: readonly string[] | null | undefined,
): Language {
  const fromUser = toLanguage(userLanguage);
  if (fromUser) return fromUser;
  for (const tag of browserLanguages ?? []) {
    const language = toLanguage(tag);
    if (language) return language;
  }
  return DEFAULT_LANGUAGE;
}

/** The browser's preferred languages (none outside a browser). */
export function browserLanguages(): readonly string[] {
  if (typeof navigator === "undefined") return [];
  return navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : [];
}

/** Switches the page's language; `<html lang>` follows it. */
export async function setLanguage(language: Language): Promise<void> {
  if (i18n.resolvedLanguage !== language) await i18n.changeLanguage(language);
  if (typeof document !== "undefined") document.documentElement.lang = language;
}
