export { default } from "./RejectionForm";
