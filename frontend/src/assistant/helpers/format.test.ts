import { setLanguage } from "core/helpers/i18n";
import { formatCost, formatDate, formatDay, formatDuration, formatSize, formatTokens } from "./format";

/** French numbers hold no-break spaces (which ones depends on the version of ICU). */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

afterEach(() => setLanguage("en"));

describe("formatting in English", () => {
  it("writes money in dollars with enough digits to be non-zero", () => {
    expect(formatCost("0")).toBe("$0.00");
    expect(formatCost(null)).toBe("$0.00");
    expect(formatCost("not a number")).toBe("$0.00");
    expect(formatCost("0.0123")).toBe("$0.01");
    expect(formatCost("0.004")).toBe("$0.0040");
    expect(formatCost("1234.5")).toBe("$1,234.50");
  });

  it("writes numbers, sizes, days and durations", () => {
    expect(formatTokens(1234567.4)).toBe("1,234,567");
    expect(formatSize(512)).toBe("512 bytes");
    expect(formatSize(2048)).toBe("2.0 kB");
    expect(formatSize(3_500_000)).toBe("3.5 MB");
    expect(formatDay("2026-12-01T00:00:00+00:00")).toBe("Dec 1, 2026");
    expect(formatDate("2026-12-01T09:30:00Z")).toMatch(/^Dec 1, 2026, \d{1,2}:\d{2}\s[AP]M$/);
    expect(formatDate("garbage")).toBe("");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(1500)).toBe("1.5 s");
  });
});

describe("formatting in French", () => {
  beforeEach(() => setLanguage("fr"));

  it("writes money the French way", () => {
    expect(plain(formatCost("0"))).toBe("0,00 $US");
    expect(plain(formatCost("0.004"))).toBe("0,0040 $US");
    expect(plain(formatCost("1234.5"))).toBe("1 234,50 $US");
  });

  it("writes numbers, sizes, days and durations the French way", () => {
    expect(plain(formatTokens(1234567))).toBe("1 234 567");
    expect(plain(formatSize(512))).toBe("512 octets");
    expect(plain(formatSize(2048))).toBe("2,0 ko");
    expect(formatDay("2026-12-01T00:00:00+00:00")).toBe("1 déc. 2026");
    expect(formatDate("2026-12-01T09:30:00Z")).toMatch(/^\d{1,2} déc\. 2026, \d{2}:\d{2}$/);
    expect(formatDuration(1500)).toBe("1,5 s");
  });
});
