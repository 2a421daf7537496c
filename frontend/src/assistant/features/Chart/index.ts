export { default } from "./ChartFigure";
