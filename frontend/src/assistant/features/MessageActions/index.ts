export { AnswerActions, UserMessageActions } from "./MessageActions";
export type { FeedbackHandler } from "./MessageActions";
