import { createContext, useContext } from "react";

/** True inside a conversation shared with the reader, who may read it but not answer, approve or send. */
export const ReadOnlyConversation = createContext(false);

export const useReadOnly = () => useContext(ReadOnlyConversation);
