import { chooseLanguage, i18n, setLanguage, t, toLanguage } from "./i18n";

/** French numbers hold no-break spaces (which ones depends on the version of ICU). */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

afterEach(() => setLanguage("en"));

describe("chooseLanguage", () => {
  it("takes the user's setting first", () => {
    expect(chooseLanguage("fr", ["en-US", "en"])).toBe("fr");
    expect(chooseLanguage("en", ["fr-FR"])).toBe("en");
  });

  it("takes the first browser language the page speaks when the user has none", () => {
    expect(chooseLanguage(null, ["fr-BE", "en"])).toBe("fr");
    expect(chooseLanguage(undefined, ["de-DE", "FR", "en"])).toBe("fr");
    expect(chooseLanguage("", ["nl", "en-GB", "fr"])).toBe("en");
  });

  it("ignores a setting the page does not speak", () => {
    expect(chooseLanguage("de", ["fr"])).toBe("fr");
    expect(chooseLanguage("<script>", [])).toBe("en");
  });

  it("falls back to English", () => {
    expect(chooseLanguage(null, [])).toBe("en");
    expect(chooseLanguage(null, null)).toBe("en");
    expect(chooseLanguage(null, ["de", "es-ES", ""])).toBe("en");
  });
});

describe("toLanguage", () => {
  it.each([
    ["fr", "fr"],
    ["fr-CA", "fr"],
    ["FR_fr", "fr"],
    [" en ", "en"],
    ["french", null],
    ["", null],
    [null, null],
  ])("%p → %p", (tag, language) => {
    expect(toLanguage(tag)).toBe(language);
  });
});

describe("t", () => {
  it("speaks English by default, the key itself", () => {
    expect(t("Send")).toBe("Send");
    expect(t("Rename {{title}}", { title: "<b>Cases</b>" })).toBe("Rename <b>Cases</b>"); // React escapes, not i18next
    expect(t("A string nobody translated")).toBe("A string nobody translated");
  });

  it("speaks French once switched, and <html lang> follows", async () => {
    await setLanguage("fr");
    expect(i18n.resolvedLanguage).toBe("fr");
    expect(document.documentElement.lang).toBe("fr");
    expect(t("Send")).toBe("Envoyer");
    expect(t("Rename {{title}}", { title: "Cas" })).toBe("Renommer Cas");
    await setLanguage("en");
    expect(document.documentElement.lang).toBe("en");
    expect(t("Send")).toBe("Send");
  });

  it("falls back to the English key for a string without French", async () => {
    await setLanguage("fr");
    expect(t("A string nobody translated")).toBe("A string nobody translated");
  });

  it("uses each language's plural rules and number format", async () => {
    expect(t("{{count}} rows", { count: 1 })).toBe("1 row");
    expect(t("{{count}} rows", { count: 0 })).toBe("0 rows");
    expect(t("{{count}} rows", { count: 12345 })).toBe("12,345 rows");
    await setLanguage("fr");
    expect(t("{{count}} rows", { count: 1 })).toBe("1 ligne");
    expect(t("{{count}} rows", { count: 0 })).toBe("0 ligne"); // French counts zero as singular
    expect(plain(t("{{count}} rows", { count: 12345 }))).toBe("12 345 lignes");
    expect(plain(t("{{count}} rows", { count: 1000000 }))).toBe("1 000 000 de lignes");
  });
});
