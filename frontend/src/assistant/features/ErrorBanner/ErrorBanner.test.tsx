import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import ErrorBanner from "./ErrorBanner";

describe("ErrorBanner", () => {
  afterEach(() => jest.useRealTimers());

  it("holds Retry while a rate limit lasts, counting down, then lets it work", async () => {
    jest.useFakeTimers();
    const onRetry = jest.fn();
    render(<ErrorBanner code="RATE_LIMITED" onRetry={onRetry} retryAfter={3} />);
    const button = screen.getByRole("button", { name: "Retry in 3 s" });
    expect(button).toBeDisabled();
    act(() => jest.advanceTimersByTime(1000));
    expect(screen.getByRole("button", { name: "Retry in 2 s" })).toBeDisabled();
    act(() => jest.advanceTimersByTime(2000));
    const ready = screen.getByRole("button", { name: "Retry" });
    expect(ready).toBeEnabled();
    jest.useRealTimers();
    await userEvent.click(ready);
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it("offers Retry at once when nothing says to wait", async () => {
    const onRetry = jest.fn();
    render(<ErrorBanner code="NETWORK_ERROR" onRetry={onRetry} />);
    await userEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(onRetry).toHaveBeenCalled();
  });
});
