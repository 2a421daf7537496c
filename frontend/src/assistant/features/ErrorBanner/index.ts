export { default } from "./ErrorBanner";
