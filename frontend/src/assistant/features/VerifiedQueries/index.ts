export { default } from "./AnswerTrust";
export type { TrustAction, TrustOutcome } from "./AnswerTrust";
export { useAnswerTrust } from "./useAnswerTrust";
