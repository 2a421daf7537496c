export { default } from "./Badge";
export type { BadgeColor } from "./Badge";
