/**
 * Strings go through `t()` as in OpenHEXA (next-i18next's `useTranslation`), so that the
 * page can be translated later. For now the key is the English text; `{{name}}`
 * placeholders are replaced with `values`.
 */
export type TFunction = (key: string, values?: Record<string, string | number>) => string;

export const t: TFunction = (key, values) => {
  if (!values) return key;
  return key.replace(/\{\{\s*(\w+)\s*\}\}/g, (match, name) =>
    name in values ? String(values[name]) : match,
  );
};

export function useTranslation(): { t: TFunction } {
  return { t };
}
