// Component and helper tests (jsdom), compiled by Next's own SWC (next/jest); the browser
// tests are in e2e/ (node --test).
const nextJest = require("next/jest");

// Markdown rendering is ESM only: these packages are compiled too.
const ESM_PACKAGES = [
  "react-markdown",
  "remark-.*",
  "rehype-.*",
  "lowlight",
  "unified",
  "bail",
  "trough",
  "vfile.*",
  "devlop",
  "zwitch",
  "ccount",
  "longest-streak",
  "markdown-table",
  "html-url-attributes",
  "is-plain-obj",
  "decode-named-character-reference",
  "character-.*",
  "property-information",
  "space-separated-tokens",
  "comma-separated-tokens",
  "hast-util-.*",
  "mdast-util-.*",
  "micromark.*",
  "unist-util-.*",
  "estree-util-.*",
  "trim-lines",
  "escape-string-regexp",
];

const createJestConfig = nextJest({ dir: __dirname });

/** @type {import('jest').Config} */
const config = {
  testEnvironment: "jsdom",
  roots: ["<rootDir>/src"],
  moduleDirectories: ["node_modules", "src"],
  setupFilesAfterEnv: ["<rootDir>/jest.setup.ts"],
  testPathIgnorePatterns: ["/node_modules/", "/e2e/"],
  // Under `make test` jest runs at the lowest CPU priority beside the other parts: a test's wall
  // time there says nothing about the page, so the limit only catches a test that hangs.
  testTimeout: 60000,
};

module.exports = async () => {
  const resolved = await createJestConfig(config)();
  resolved.transformIgnorePatterns = [`/node_modules/(?!(${ESM_PACKAGES.join("|")})/)`, "^.+\\.module\\.(css|sass|scss)$"];
  return resolved;
};
