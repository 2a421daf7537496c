export { default } from "./FollowUps";
