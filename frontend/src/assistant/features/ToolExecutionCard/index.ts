export { default } from "./ToolExecutionCard";
export { default as ToolOutput, toolError } from "./ToolOutput";
