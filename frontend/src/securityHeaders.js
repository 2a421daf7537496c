// The security headers of the page's own responses (next.config.mjs `headers()`), here so that
// jest checks them. The paths Next passes on to Django (/graphql/, /assistant/…) are left out:
// Django sends its own, with a nonce for the explorer's inline script.
//
// script-src has no 'unsafe-eval' in production: charts render with vega's expression
// interpreter (chart.worker.ts: `ast: true`), which generates no code. Charts are drawn in a
// Web Worker, a script of the page's own build (worker-src 'self', no blob: workers). Next's development server
// evaluates its modules, so `next dev` alone gets 'unsafe-eval'. Styles may be inline: vega
// and the Markdown highlighter set them.

function contentSecurityPolicy(development) {
  return [
    "default-src 'self'",
    `script-src 'self'${development ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function securityHeaders(development = process.env.NODE_ENV !== "production") {
  return [
    { key: "Content-Security-Policy", value: contentSecurityPolicy(development) },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "same-origin" },
  ];
}

// Every path but those rewritten to Django (next.config.mjs `rewrites()`).
const PAGE_PATHS = "/:path((?!graphql(?:/|$)|assistant/).*)";

module.exports = { contentSecurityPolicy, securityHeaders, PAGE_PATHS };
