export { default } from "./LanguageSwitch";
