import { setLanguage } from "core/helpers/i18n";
import { downloadCsvUrl, formatCell, isNumericType, toTsv } from "./numbers";

afterEach(() => setLanguage("en"));

describe("numbers in result tables", () => {
  it("groups thousands of numbers and of exact numeric strings, without floats", () => {
    expect(formatCell(1234567)).toBe("1,234,567");
    expect(formatCell(-1234.5)).toBe("-1,234.5");
    expect(formatCell("12345678901234567890.1234", true)).toBe("12,345,678,901,234,567,890.1234");
    expect(formatCell("-1000", true)).toBe("-1,000");
    expect(formatCell("999", true)).toBe("999");
  });

  it("writes numbers the French way for a French reader, exact strings too", async () => {
    await setLanguage("fr");
    const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");
    expect(plain(formatCell(27665))).toBe("27 665");
    expect(plain(formatCell(-1234.5))).toBe("-1 234,5");
    expect(plain(formatCell("12345678901234567890.1234", true))).toBe("12 345 678 901 234 567 890,1234");
  });

  it("leaves text alone, even when it looks like a number", () => {
    expect(formatCell("2024", false)).toBe("2024");
    expect(formatCell("12 cases", true)).toBe("12 cases");
    expect(formatCell(null)).toBe("");
    expect(formatCell({ a: 1 })).toBe('{"a":1}');
  });

  it("knows the numeric types", () => {
    expect(isNumericType("numeric")).toBe(true);
    expect(isNumericType("numeric(10,2)")).toBe(true);
    expect(isNumericType("double precision")).toBe(true);
    expect(isNumericType("text")).toBe(false);
    expect(isNumericType(undefined)).toBe(false);
  });

  it("copies tables as tab-separated raw values", () => {
    expect(toTsv(["a", "b"], [[1000, "x\ty"], [null, { k: 1 }]])).toBe('a\tb\n1000\tx y\n\t{"k":1}');
  });

  it("points downloads at the backend", () => {
    expect(downloadCsvUrl("0b1c")).toBe("/assistant/tool-executions/0b1c/download.csv");
  });
});
