import { describeLoginError, formatWait } from "./loginErrors";

describe("formatWait", () => {
  it.each([
    [1, "1 second"],
    [0, "1 second"],
    [45, "45 seconds"],
    [59.2, "1 minute"],
    [60, "1 minute"],
    [61, "2 minutes"],
    [900, "15 minutes"],
  ])("%s s → %s", (seconds, words) => {
    expect(formatWait(seconds)).toBe(words);
  });
});

describe("describeLoginError", () => {
  it("says how long to wait when throttled", () => {
    expect(describeLoginError(["TOO_MANY_ATTEMPTS"], 600)).toBe("Too many failed attempts. Try again in 10 minutes.");
    expect(describeLoginError(["TOO_MANY_ATTEMPTS"], null)).toBe("Too many failed attempts. Try again later.");
  });

  it("keeps wrong credentials vague", () => {
    expect(describeLoginError(["INVALID_CREDENTIALS"])).toBe("Wrong email or password.");
  });
});
