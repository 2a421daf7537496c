export { default } from "./PipelineCard";
