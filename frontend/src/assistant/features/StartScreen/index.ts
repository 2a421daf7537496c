export { default } from "./StartScreen";
