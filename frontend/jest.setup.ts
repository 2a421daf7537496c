import "@testing-library/jest-dom";
import { loadMarkdown } from "assistant/features/Markdown/Markdown";

// The page fetches the Markdown formatter apart from its first scripts and shows answers plain
// until it arrives; component tests start with it loaded, as it nearly always is by the time
// a conversation's messages arrive.
beforeAll(() => loadMarkdown());
