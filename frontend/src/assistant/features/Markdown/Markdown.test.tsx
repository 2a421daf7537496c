import { render, waitFor } from "@testing-library/react";
import Markdown from "./Markdown";
import { formatsQuickly, MARKDOWN_MAX_CHARS } from "./formatsQuickly";

describe("Markdown", () => {
  it("colours fenced code in its language and leaves inline and unlabelled code plain", async () => {
    const answer = "Run `count(*)`:\n\n```sql\nSELECT count(*) FROM districts;\n```\n\n```\nplain block\n```\n";
    const { container } = render(<Markdown>{answer}</Markdown>);
    const sql = container.querySelector("pre code.language-sql");
    expect(sql).toHaveTextContent("SELECT count(*) FROM districts;");
    await waitFor(() => expect(sql?.querySelector(".hljs-keyword")).toHaveTextContent("SELECT"));
    expect(container.querySelector("pre.code-dark")).not.toBeNull();
    const codes = Array.from(container.querySelectorAll("code"));
    expect(codes.find((c) => c.textContent === "count(*)")?.querySelector("span")).toBeNull();
    expect(codes.find((c) => c.textContent?.startsWith("plain block"))?.querySelector("span")).toBeNull();
  });

  it("shows an answer too costly to format as plain text, whole, with a note", () => {
    // 60,000 characters of nested brackets took the parser 6-9 s (25 s here): the page froze
    const nested = "[".repeat(30_000) + "]".repeat(30_000);
    const { container, getByTestId, getByText } = render(<Markdown>{nested}</Markdown>);
    expect(getByTestId("markdown-plain").textContent).toBe(nested);
    expect(getByText("Shown as plain text: too long or too nested to format.")).toBeInTheDocument();
    expect(container.querySelector(".markdown")).toBeNull();
  });

  it("formats ordinary answers, and bounds depth, brackets, quotes, indentation and length", () => {
    const ordinary = "# Cases\n\n| district | cases |\n|---|---|\n| Bo | 4 |\n\nSee [the report](https://example.org) and [[1]].\n\n> quoted\n\n- a\n  - b\n";
    expect(formatsQuickly(ordinary)).toBe(true);
    const { container } = render(<Markdown>{ordinary}</Markdown>);
    expect(container.querySelector(".markdown table")).not.toBeNull();
    expect(container.querySelector("a")).toHaveAttribute("href", "https://example.org");
    expect(formatsQuickly("[".repeat(33) + "x" + "]".repeat(33))).toBe(false);
    expect(formatsQuickly("[x] ".repeat(2_001))).toBe(false);
    expect(formatsQuickly(">".repeat(33) + " deep")).toBe(false);
    expect(formatsQuickly(" ".repeat(129) + "- deep")).toBe(false);
    expect(formatsQuickly("a".repeat(MARKDOWN_MAX_CHARS + 1))).toBe(false);
    expect(formatsQuickly("]".repeat(50) + "[x]")).toBe(true);
  });
});
