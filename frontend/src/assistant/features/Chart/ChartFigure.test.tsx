import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { setLanguage } from "core/helpers/i18n";
import ChartFigure from "./ChartFigure";

import { act } from "react";
import { CHART_TIME_LIMIT_MS } from "./ChartView";

// jsdom has no workers: a stub stands for chart.worker.ts, so that these tests see what the
// figure asks the worker and what it shows for each answer. The drawing itself (vega in a
// real worker, under the page's CSP) is tested in the browser (e2e/charts.e2e.test.mjs).
class StubWorker {
  static last: StubWorker | null = null;
  posted: unknown[] = [];
  terminated = false;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message: string }) => void) | null = null;
  constructor() {
    StubWorker.last = this;
  }
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  answer(data: unknown) {
    act(() => this.onmessage?.({ data }));
  }
}

jest.mock("./chartWorker", () => ({ startChartWorker: () => new StubWorker() }));

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><rect width="10" height="10"/></svg>';

beforeEach(() => {
  StubWorker.last = null;
  // jsdom has no blob: URLs either
  URL.createObjectURL = jest.fn(() => "blob:chart");
  URL.revokeObjectURL = jest.fn();
});

/** The worker the figure started, once it was asked to draw. */
async function worker(): Promise<StubWorker> {
  await waitFor(() => expect(StubWorker.last?.posted.length).toBe(1));
  return StubWorker.last!;
}

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

describe("ChartFigure's caption", () => {
  afterEach(() => setLanguage("en"));

  it("is written in the reader's language from the caption as data", () => {
    const caption = { mark: "bar", y: "cases", x: "district", color: null, rows: 2, ranges: [{ name: "cases", min: 1200, max: 34567, temporal: false }] };
    setLanguage("fr");
    render(<ChartFigure output={{ ...output, title: "Chart", page: { ...output.page, caption } }} executionId="abc" />);
    const figure = screen.getByRole("figure", { name: "Graphique" });
    expect(figure.textContent?.replace(/[\u00a0\u202f]/g, " ")).toContain("Graphique en barres de cases par district, 2 lignes. cases de 1 200 à 34 567.");
    expect(figure).not.toHaveTextContent("Bar chart");
  });

  it("of a chart stored before it was data is its English text", () => {
    setLanguage("fr");
    render(<ChartFigure output={{ ...output, note: "Only the first 10 rows are charted." }} executionId="abc" />);
    const figure = screen.getByRole("figure", { name: "Cases per district" });
    expect(figure).toHaveTextContent("Bar chart of cases by district, 2 rows.");
    expect(figure).toHaveTextContent("Only the first 10 rows are charted.");
  });
});

describe("ChartFigure", () => {
  it("is a figure captioned by its title and text summary, with the chart loaded lazily", async () => {
    render(<ChartFigure output={output} executionId="abc" />);
    const figure = screen.getByRole("figure", { name: "Cases per district" });
    expect(figure).toHaveTextContent("Bar chart of cases by district, 2 rows.");
    expect(await screen.findByText("Drawing the chart…")).toBeInTheDocument();
    const drawing = await worker();
    expect(drawing.posted[0]).toMatchObject({
      spec: { mark: "bar" },
      columns: ["district", "cases"],
      rows: [
        ["Bo", 34567],
        ["Kenema", 1200],
      ],
    });
    expect(screen.getByRole("button", { name: /^Download PNG: “/ })).toBeDisabled();
    drawing.answer({ svg: SVG });
    // the picture, named by the chart's title, from a blob: URL (no script of it runs)
    const picture = screen.getByRole("img", { name: "Cases per district" });
    expect(picture).toHaveAttribute("src", "blob:chart");
    expect(drawing.terminated).toBe(true);
    act(() => {
      picture.dispatchEvent(new Event("load"));
    });
    expect(screen.getByTestId("chart-view")).toHaveAttribute("data-rendered", "true");
    expect(screen.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
      "href",
      "/assistant/tool-executions/abc/download.csv",
    );
    await waitFor(() => expect(screen.getByRole("button", { name: /^Download PNG: “/ })).toBeEnabled());
    expect(screen.getByRole("button", { name: /^Download SVG: “/ })).toBeEnabled();
  });

  it("asks the worker to draw a map's boundaries under it, when its data has them", async () => {
    const square = { type: "Polygon", coordinates: [[[0, 0], [0, 1], [1, 1], [0, 0]]] };
    const map = {
      ...output,
      page: { spec: { mark: "circle", projection: { type: "mercator" } }, columns: ["lon", "lat"], rows: [[0.5, 0.5]], outlines: [square] },
    };
    render(<ChartFigure output={map} />);
    expect((await worker()).posted[0]).toMatchObject({ outlines: [square] });
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

  it("stops a chart's worker at the time limit and says the chart is too costly to draw", async () => {
    jest.useFakeTimers();
    try {
      render(<ChartFigure output={output} executionId="abc" />);
      const drawing = await worker();
      act(() => {
        jest.advanceTimersByTime(CHART_TIME_LIMIT_MS - 100);
      });
      expect(drawing.terminated).toBe(false);
      expect(screen.getByText("Drawing the chart…")).toBeInTheDocument();
      act(() => {
        jest.advanceTimersByTime(200);
      });
      expect(drawing.terminated).toBe(true);
      expect(screen.getByRole("alert")).toHaveTextContent("This chart is too costly to draw in the page: its rows are in the table.");
      expect(screen.queryByRole("img")).not.toBeInTheDocument();
      expect(screen.getByRole("button", { name: /^Download PNG: “/ })).toBeDisabled();
      // a late answer changes nothing: the worker is gone
      drawing.answer({ svg: SVG });
      expect(screen.queryByRole("img")).not.toBeInTheDocument();
    } finally {
      jest.useRealTimers();
    }
  });

  it("says why a chart the worker could not draw is missing", async () => {
    render(<ChartFigure output={output} />);
    (await worker()).answer({ error: "Unrecognized data set: nope" });
    expect(screen.getByRole("alert")).toHaveTextContent("The chart could not be drawn: Unrecognized data set: nope");
  });

  it("stops the worker of a chart that leaves the page before it is drawn", async () => {
    const { unmount } = render(<ChartFigure output={output} />);
    const drawing = await worker();
    unmount();
    expect(drawing.terminated).toBe(true);
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
