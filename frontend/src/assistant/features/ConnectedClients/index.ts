export { default } from "./ConnectedClients";
