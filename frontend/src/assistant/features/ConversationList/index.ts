export { default } from "./ConversationList";
