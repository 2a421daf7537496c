export { default } from "./ApprovalCard";
export type { ResolveOutcome } from "./ApprovalCard";
