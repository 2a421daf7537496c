// Types of securityHeaders.js (plain JavaScript: next.config.mjs imports it).
export function contentSecurityPolicy(development: boolean): string;
export function securityHeaders(development?: boolean): { key: string; value: string }[];
export const PAGE_PATHS: string;
