import { PAGE_PATHS, securityHeaders } from "./securityHeaders";

// The matcher Next applies to a `source` (it ships no types of its own)
const { pathToRegexp } = require("next/dist/compiled/path-to-regexp") as { pathToRegexp: (path: string) => RegExp };

function header(headers: { key: string; value: string }[], key: string) {
  return headers.find((h) => h.key === key)?.value;
}

describe("the page's security headers", () => {
  it("send a CSP that generates no code in production, no framing and no sniffing", () => {
    const headers = securityHeaders(false);
    const csp = header(headers, "Content-Security-Policy")!;
    const directives = Object.fromEntries(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));
    expect(directives["script-src"]).toEqual(["'self'"]);
    expect(csp).not.toContain("unsafe-eval");
    expect(directives["object-src"]).toEqual(["'none'"]);
    expect(directives["frame-ancestors"]).toEqual(["'none'"]);
    expect(directives["connect-src"]).toEqual(["'self'"]);
    // charts are drawn by a worker of the page's own build
    expect(directives["worker-src"]).toEqual(["'self'"]);
    expect(header(headers, "X-Frame-Options")).toBe("DENY");
    expect(header(headers, "X-Content-Type-Options")).toBe("nosniff");
  });

  it("allow eval only to the development server", () => {
    expect(header(securityHeaders(true), "Content-Security-Policy")).toContain("script-src 'self' 'unsafe-eval'");
  });

  it("cover the pages and leave Django's paths to Django", () => {
    const pages = pathToRegexp(PAGE_PATHS);
    for (const path of ["/", "/login", "/workspaces", "/workspaces/demo/assistant", "/workspaces/demo/assistant/settings",
      "/_next/static/chunks/main.js", "/graphqlish"]) {
      expect(pages.test(path)).toBe(true);
    }
    for (const path of ["/graphql", "/graphql/", "/assistant/stream/", "/assistant/tool-executions/1/download.csv"]) {
      expect(pages.test(path)).toBe(false);
    }
  });
});
