export { default } from "./MessageComposer";
