export { default } from "./QuestionCard";
export type { AnswerOutcome } from "./QuestionCard";
