import { render, screen } from "@testing-library/react";
import UsageSummary from "./UsageSummary";

function usage(cost: string, limit: string | null) {
  return {
    __typename: "MyAssistantUsage" as const,
    totals: { __typename: "AssistantUsageTotals" as const, cost },
    limit,
    resetsAt: "2026-12-01T00:00:00+00:00",
  };
}

describe("UsageSummary", () => {
  it("shows the month's spending against the limit, with the UTC day it resets", () => {
    render(<UsageSummary usage={usage("12.5", "50")} />);
    expect(screen.getByText("This month you have spent $12.50 of your $50.00 limit; it resets on Dec 1, 2026.")).toBeInTheDocument();
    const meter = screen.getByRole("meter", { name: "Share of your monthly limit spent" });
    expect(meter).toHaveAttribute("aria-valuenow", "25");
    expect(meter.firstElementChild).toHaveClass("bg-blue-600");
  });

  it("warns in colour near the limit and caps the bar when it is spent", () => {
    const { rerender } = render(<UsageSummary usage={usage("41", "50")} />);
    expect(screen.getByRole("meter").firstElementChild).toHaveClass("bg-amber-500");
    rerender(<UsageSummary usage={usage("63.2", "50")} />);
    expect(screen.getByRole("meter")).toHaveAttribute("aria-valuenow", "100");
    expect(screen.getByRole("meter").firstElementChild).toHaveClass("bg-red-600");
    expect(screen.getByRole("meter").firstElementChild).toHaveStyle({ width: "100%" });
  });

  it("says when there is no limit, without a bar", () => {
    render(<UsageSummary usage={usage("0.004", null)} />);
    expect(screen.getByText("This month you have spent $0.0040 on the assistant (no monthly limit).")).toBeInTheDocument();
    expect(screen.queryByRole("meter")).not.toBeInTheDocument();
  });
});
