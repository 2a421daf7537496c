export { default } from "./Markdown";
