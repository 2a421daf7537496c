import { render } from "@testing-library/react";
import Markdown from "./Markdown";

describe("Markdown", () => {
  it("colours fenced code in its language and leaves inline and unlabelled code plain", () => {
    const answer = "Run `count(*)`:\n\n```sql\nSELECT count(*) FROM districts;\n```\n\n```\nplain block\n```\n";
    const { container } = render(<Markdown>{answer}</Markdown>);
    const sql = container.querySelector("pre code.language-sql");
    expect(sql).toHaveTextContent("SELECT count(*) FROM districts;");
    expect(sql?.querySelector(".hljs-keyword")).toHaveTextContent("SELECT");
    expect(container.querySelector("pre.code-dark")).not.toBeNull();
    const codes = Array.from(container.querySelectorAll("code"));
    expect(codes.find((c) => c.textContent === "count(*)")?.querySelector("span")).toBeNull();
    expect(codes.find((c) => c.textContent?.startsWith("plain block"))?.querySelector("span")).toBeNull();
  });
});
