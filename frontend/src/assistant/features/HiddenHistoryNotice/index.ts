export { default } from "./HiddenHistoryNotice";
