export { default } from "./UsageSummary";
