import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import ChartFigure from "./ChartFigure";

// vega draws on a canvas, which jsdom has not: the chart itself is tested in the browser
// (e2e/charts.e2e.test.mjs). Here, what surrounds it.
jest.mock("./ChartView", () => ({
  __esModule: true,
  default: function FakeChartView({ columns, rows, onReady }: { columns: string[]; rows: unknown[][]; onReady: (h: unknown) => void }) {
    const { useEffect } = jest.requireActual("react");
    useEffect(() => onReady({ toImageURL: async (type: string) => `data:image/${type};base64,AAAA` }), [onReady]);
    return <div data-testid="chart-view">{`${rows.length} rows of ${columns.join(", ")}`}</div>;
  },
}));

const output = {
  title: "Cases per district",
  description: "Bar chart of cases by district, 2 rows. cases from 1,200 to 34,567.",
  row_count: 2,
  truncated: false,
  columns: [
    { name: "district", type: "text" },
    { name: "cases", type: "numeric" },
  ],
  page: {
    spec: { mark: "bar" },
    columns: ["district", "cases"],
    rows: [
      ["Bo", 34567],
      ["Kenema", 1200],
    ],
  },
};

describe("ChartFigure", () => {
  it("is a figure captioned by its title and text summary, with the chart loaded lazily", async () => {
    render(<ChartFigure output={output} executionId="abc" />);
    const figure = screen.getByRole("figure", { name: "Cases per district" });
    expect(figure).toHaveTextContent("Bar chart of cases by district, 2 rows.");
    expect(await screen.findByTestId("chart-view")).toHaveTextContent("2 rows of district, cases");
    expect(screen.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
      "href",
      "/assistant/tool-executions/abc/download.csv",
    );
    await waitFor(() => expect(screen.getByRole("button", { name: "Download PNG" })).toBeEnabled());
    expect(screen.getByRole("button", { name: "Download SVG" })).toBeEnabled();
  });

  it("shows the same rows as a table, one click away, numbers right-aligned and grouped", async () => {
    const user = userEvent.setup();
    render(<ChartFigure output={output} executionId="abc" />);
    await user.click(screen.getByRole("button", { name: "Table" }));
    expect(screen.getByRole("button", { name: "Table" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.queryByTestId("chart-view")).not.toBeInTheDocument();
    const cell = screen.getByRole("cell", { name: "34,567" });
    expect(cell).toHaveClass("text-right");
    expect(screen.getByRole("columnheader", { name: "cases" })).toHaveClass("text-right");
    await user.click(screen.getByRole("button", { name: "Chart" }));
    expect(await screen.findByTestId("chart-view")).toBeInTheDocument();
  });

  it("copies the table as tab-separated values", async () => {
    const user = userEvent.setup();
    render(<ChartFigure output={output} />);
    await user.click(screen.getByRole("button", { name: "Table" }));
    await user.click(screen.getByRole("button", { name: "Copy table" }));
    expect(await navigator.clipboard.readText()).toBe("district\tcases\nBo\t34567\nKenema\t1200");
    expect(screen.getByRole("button", { name: "Copied" })).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Download CSV" })).not.toBeInTheDocument();
  });
});
