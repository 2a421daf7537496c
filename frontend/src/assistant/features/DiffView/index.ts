export { default, diffLineKind } from "./DiffView";
