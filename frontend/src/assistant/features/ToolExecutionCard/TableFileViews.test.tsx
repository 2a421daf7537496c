import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { execution } from "assistant/helpers/testFixtures";
import ToolExecutionCard from "./ToolExecutionCard";
import { splitDelimited } from "./TableFileViews";

describe("data files as tables", () => {
  it("shows a query over files with its SQL, the files it read and the result table", async () => {
    render(
      <ToolExecutionCard
        execution={execution({
          name: "query_files",
          input: { files: { reports: "data/raw/2024/*.csv" }, sql: "SELECT district, SUM(cases) FROM reports GROUP BY 1" },
          output: {
            columns: [
              { name: "district", type: "VARCHAR" },
              { name: "cases", type: "HUGEINT" },
            ],
            rows: [
              ["Bo", 17],
              ["Kenema", 5],
            ],
            row_count: 2,
            truncated: false,
            limit: 100,
          },
        })}
      />,
    );
    expect(screen.getByRole("button", { name: /Queried files/ })).toHaveTextContent("reports: data/raw/2024/*.csv");
    await userEvent.click(screen.getByRole("button", { name: /Queried files/ }));
    expect(document.querySelector("code.language-sql")).toHaveTextContent("SELECT district, SUM(cases)");
    const table = screen.getByRole("table");
    expect(within(table).getAllByRole("row").map((row) => row.textContent)).toEqual(["districtcases", "Bo17", "Kenema5"]);
  });

  it("shows a sheet read by read_file as a table, with the workbook's sheets", () => {
    render(
      <ToolExecutionCard
        defaultOpen
        execution={execution({
          name: "read_file",
          input: { path: "data/hmis.xlsx" },
          output: {
            path: "data/hmis.xlsx",
            format: "xlsx",
            size: 18000,
            sheet: "Monthly",
            sheets: ["Monthly", "Facilities"],
            columns: [
              { name: "district", type: "VARCHAR" },
              { name: "period", type: "DATE" },
            ],
            rows: [["Bo", "2024-01-01"]],
            row_count: 1,
            total_rows: 192,
          },
        })}
      />,
    );
    expect(screen.getByRole("group", { name: "Sheets" })).toHaveTextContent("Monthly · Facilities");
    expect(screen.getByText("192 rows")).toBeInTheDocument();
    expect(within(screen.getByRole("table")).getAllByRole("row")[1]).toHaveTextContent("Bo2024-01-01");
  });

  it("splits a CSV read by read_file with the dialect the server found; without one, shows the text", () => {
    const output = {
      path: "data/a.csv",
      content: 'district;note\nBo;"a; ""quoted"" note"\nKenema;x\n',
      size: 40,
      truncated: false,
      dialect: { delimiter: ";", quote: '"', header: true },
      columns: [
        { name: "district", type: "VARCHAR" },
        { name: "note", type: "VARCHAR" },
      ],
    };
    const { unmount } = render(
      <ToolExecutionCard defaultOpen execution={execution({ name: "read_file", input: { path: "data/a.csv" }, output })} />,
    );
    const rows = within(screen.getByRole("table")).getAllByRole("row");
    expect(rows.map((row) => row.textContent)).toEqual(["districtnote", 'Boa; "quoted" note', "Kenemax"]);
    unmount();
    const { dialect, ...plain } = output;
    render(<ToolExecutionCard defaultOpen execution={execution({ name: "read_file", input: {}, output: plain })} />);
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    expect(dialect.delimiter).toBe(";");
  });

  it("splits delimited text with quotes, CRLF and a cut last line", () => {
    expect(splitDelimited('a,b\r\n"x,1",2\n3,"4\n5"\n6,', ",")).toEqual([
      ["a", "b"],
      ["x,1", "2"],
      ["3", "4\n5"],
      ["6", ""],
    ]);
  });
});
