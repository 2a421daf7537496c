export { default, dateGroup } from "./ConversationSidebar";
