export { default, describeEvaluationError, describeReason } from "./Evaluations";
