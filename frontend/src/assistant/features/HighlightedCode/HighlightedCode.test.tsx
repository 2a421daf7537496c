import { render, waitFor } from "@testing-library/react";
import HighlightedCode, { loadHighlighter } from "./HighlightedCode";

describe("HighlightedCode", () => {
  it("colours SQL tokens once the grammars are loaded, and keeps the text exactly meanwhile", async () => {
    const sql = "SELECT district, count(*) -- cases\nFROM malaria_cases WHERE year = 2026";
    const { container } = render(<code><HighlightedCode code={sql} language="sql" /></code>);
    expect(container.textContent).toBe(sql);
    await waitFor(() => expect(container.querySelector(".hljs-keyword")?.textContent).toBe("SELECT"));
    expect(container.textContent).toBe(sql);
    expect(container.querySelector(".hljs-comment")?.textContent).toBe("-- cases");
    expect(container.querySelector(".hljs-number")?.textContent).toBe("2026");
  });

  it("renders markup in the code as text, never as elements", async () => {
    const html = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
    const { container } = render(<code><HighlightedCode code={html} language="html" /></code>);
    await waitFor(() => expect(container.querySelector(".hljs-tag")).not.toBeNull());
    expect(container.textContent).toBe(html);
    expect(container.querySelector("img, script")).toBeNull();
  });

  it("shows unknown languages and very long code plain", async () => {
    await loadHighlighter();
    const { container, rerender } = render(<code><HighlightedCode code="x <- 1" language="klingon" /></code>);
    expect(container.querySelector("span")).toBeNull();
    expect(container.textContent).toBe("x <- 1");
    const long = "SELECT 1;\n".repeat(6_000);
    rerender(<code><HighlightedCode code={long} language="sql" /></code>);
    expect(container.querySelector("span")).toBeNull();
    expect(container.textContent).toBe(long);
  });
});
