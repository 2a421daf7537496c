export { default, describeChange, describeSettingsError } from "./AssistantSettings";
