// The page talks to the Django backend through this server (rewrites), so that the
// session cookie is same-origin and no CORS is needed.
import security from "./src/securityHeaders.js";

const BACKEND_URL = (process.env.BACKEND_URL || "http://127.0.0.1:8000").replace(/\/$/, "");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // The rewrites below are fixed at build time: a build for another backend (the e2e
  // tests' own stack) goes to its own directory.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Scripts, styles, pages and API answers travel gzip-compressed (a third of their size).
  // Not the turns' event streams: a compressor holds bytes back until it has enough of them,
  // which would bunch the deltas up. The backend sends them with `Cache-Control: no-transform`
  // (hexa/core/sse.py), which Next's compression honours; a browser test checks both.
  compress: true,
  poweredByHeader: false,
  // The browser tests' build skips the type check (a fifth of the build's CPU): `make test`
  // runs it once, in `make test-frontend` (tsc --noEmit, the same tsconfig).
  typescript: { ignoreBuildErrors: process.env.NEXT_SKIP_TYPECHECK === "1" },
  // Django's URLs end with "/": keep them as they are instead of redirecting.
  skipTrailingSlashRedirect: true,
  experimental: {
    // A turn (the sendAssistantMessage fallback) may take minutes without a byte; the
    // default is 30 s.
    proxyTimeout: 15 * 60 * 1000,
  },
  async headers() {
    return [{ source: security.PAGE_PATHS, headers: security.securityHeaders() }];
  },
  async rewrites() {
    return {
      beforeFiles: [
        { source: "/graphql/", destination: `${BACKEND_URL}/graphql/` },
        { source: "/graphql", destination: `${BACKEND_URL}/graphql/` },
        { source: "/assistant/:path*/", destination: `${BACKEND_URL}/assistant/:path*/` },
        {
          source: "/assistant/tool-executions/:id/download.csv",
          destination: `${BACKEND_URL}/assistant/tool-executions/:id/download.csv`,
        },
      ],
    };
  },
};

export default nextConfig;
