export { default } from "./AssistantChat";
