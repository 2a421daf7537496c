import { describeError, describeResolveError } from "./errors";

describe("error words", () => {
  it("explains a message with a character that cannot be sent, and that retrying as is will not help", () => {
    const { text, retryable } = describeError("INVALID_MESSAGE");
    expect(text).toMatch(/cannot be sent/);
    expect(retryable).toBe(false);
  });

  it("explains a rejection reason that cannot be saved", () => {
    expect(describeResolveError("INVALID_REASON")).toMatch(/reason contains a character/);
  });

  it("still falls back to the code for unknown ones", () => {
    expect(describeError("SOMETHING_NEW").text).toBe("The assistant failed (SOMETHING_NEW).");
  });
});
