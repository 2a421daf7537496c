export { default } from "./HighlightedCode";
