import { setLanguage, t } from "core/helpers/i18n";
import { chartCaption, isCaptionData } from "./chartCaption";

/** French numbers hold no-break spaces (which ones depends on the version of ICU). */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

const MONTHLY = {
  mark: "line",
  y: "cases",
  x: "period",
  color: "district",
  rows: 1234,
  ranges: [
    { name: "period", min: "2024-01-01", max: "2024-12-01", temporal: true },
    { name: "cases", min: 114, max: 27665.5, temporal: false },
  ],
};

afterEach(() => setLanguage("en"));

describe("chartCaption", () => {
  it("writes the caption in English as the server did", () => {
    expect(chartCaption(t, MONTHLY)).toEqual({
      text: "Line chart of cases by period coloured by district, 1,234 rows. period from Jan 1, 2024 to Dec 1, 2024; cases from 114 to 27,665.5.",
      notes: [],
    });
  });

  it("writes it in French, numbers and dates as French writes them", () => {
    setLanguage("fr");
    const { text } = chartCaption(t, MONTHLY);
    expect(plain(text)).toBe(
      "Graphique en courbes de cases par period, couleurs selon district, 1 234 lignes. period de 1 janv. 2024 à 1 déc. 2024 ; cases de 114 à 27 665,5.",
    );
  });

  it("separates three ranges as each language does", () => {
    const three = { ...MONTHLY, ranges: [...MONTHLY.ranges, { name: "deaths", min: 0, max: 3 }] };
    expect(chartCaption(t, three).text).toMatch(/ to Dec 1, 2024; cases from 114 to 27,665\.5; deaths from 0 to 3\.$/);
    setLanguage("fr");
    expect(plain(chartCaption(t, three).text)).toMatch(/ à 1 déc\. 2024 ; cases de 114 à 27 665,5 ; deaths de 0 à 3\.$/);
  });

  it("says when rows were cut or shapes left out, in the reader's language", () => {
    const cut = { mark: "geoshape", rows: 20000, ranges: [], charted_at_most: 20000, unreadable: 2 };
    expect(chartCaption(t, cut).text).toBe("Map, 20,000 rows.");
    expect(chartCaption(t, cut).notes).toEqual([
      "Only the first 20,000 rows are charted (at most 20,000 points, about 1 MB of data): aggregate in SQL (GROUP BY, date_trunc) for a complete chart.",
      "2 GeoJSON values could not be read (not JSON, or cut for size) and are left out.",
    ]);
    setLanguage("fr");
    const [rows, shapes] = chartCaption(t, cut).notes.map(plain);
    expect(rows).toMatch(/^Seules les 20 000 premières lignes sont tracées \(au plus 20 000 points/);
    expect(shapes).toBe("2 valeurs GeoJSON n’ont pas pu être lues (pas du JSON, ou coupées pour leur taille) et sont laissées de côté.");
    expect(plain(chartCaption(t, { mark: null, rows: 1 }).text)).toBe("Graphique, 1 ligne.");
  });

  it("says when the map's outlines query returned no geometry, in the reader's language", () => {
    const map = { mark: "geoshape", rows: 3, ranges: [], no_outlines: true };
    expect(chartCaption(t, map).notes).toEqual(["The outlines query returned no GeoJSON geometry: the map is drawn without outlines."]);
    setLanguage("fr");
    expect(chartCaption(t, map).notes.map(plain)).toEqual([
      "La requête des contours n’a renvoyé aucune géométrie GeoJSON : la carte est tracée sans contours.",
    ]);
    expect(chartCaption(t, { ...map, no_outlines: undefined }).notes).toEqual([]);
  });

  it("writes timestamps with their time, in UTC as stored", () => {
    const caption = { mark: "point", rows: 2, ranges: [{ name: "at", min: "2024-03-05T14:30:00", max: "2024-03-06T08:00:00", temporal: true }] };
    expect(chartCaption(t, caption).text).toMatch(/^Point chart, 2 rows\. at from Mar 5, 2024, 2:30\sPM to Mar 6, 2024, 8:00\sAM\.$/);
  });

  it("tells the caption as data from anything else", () => {
    expect(isCaptionData(MONTHLY)).toBe(true);
    expect(isCaptionData(undefined)).toBe(false);
    expect(isCaptionData("Bar chart of cases")).toBe(false);
    expect(isCaptionData({ mark: "bar" })).toBe(false);
  });
});
