export { default } from "./ToolExecutionCard";
export { GENERIC_TOOL, TOOLS, ToolInput, ToolOutput, toolConfig, toolNameOf, type ToolConfig } from "./toolConfig";
export { toolError } from "./ToolViews";
