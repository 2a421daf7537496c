export { default } from "./SavedQuestions";
