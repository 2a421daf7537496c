export { default, ThinkingIndicator } from "./ChatMessage";
