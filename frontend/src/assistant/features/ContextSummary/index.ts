export { default } from "./ContextSummary";
