export { default } from "./AnswerTrust";
export type { TrustAction, TrustOutcome, VerifiedQuery } from "./AnswerTrust";
export { useAnswerTrust } from "./useAnswerTrust";
