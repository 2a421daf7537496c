import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { execution } from "assistant/helpers/testFixtures";
import ToolExecutionCard from "./ToolExecutionCard";
import { GENERIC_TOOL, TOOLS, toolConfig, toolNameOf } from "./toolConfig";

async function expand(name: RegExp) {
  await userEvent.click(screen.getByRole("button", { name }));
}

describe("ToolExecutionCard", () => {
  it("is compact until opened, then shows the SQL and the result table", async () => {
    render(
      <ToolExecutionCard
        execution={execution({
          input: { query: "SELECT district, cases FROM t" },
          output: {
            columns: [
              { name: "district", type: "text" },
              { name: "cases", type: "bigint" },
            ],
            rows: [
              ["Bo", 120],
              ["Kenema", 95],
            ],
            row_count: 2,
            truncated: true,
            limit: 2,
          },
        })}
      />,
    );
    const toggle = screen.getByRole("button", { name: /Queried the database/ });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(screen.queryByRole("table")).not.toBeInTheDocument();

    await expand(/Queried the database/);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const sql = document.querySelector("code.language-sql");
    expect(sql).toHaveTextContent("SELECT district, cases FROM t");
    await waitFor(() => expect(sql?.querySelector(".hljs-keyword")).toHaveTextContent("SELECT")); // highlighted
    const table = screen.getByRole("table");
    expect(within(table).getAllByRole("columnheader").map((cell) => cell.textContent)).toEqual(["district", "cases"]);
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getAllByRole("cell").map((cell) => cell.textContent)).toEqual(["Bo", "120"]);
    expect(screen.getByText("2 rows")).toBeInTheDocument();
    expect(screen.getByText("truncated")).toBeInTheDocument();
  });

  it("does not say truncated when the result is whole", async () => {
    render(
      <ToolExecutionCard
        defaultOpen
        execution={execution({ output: { columns: [{ name: "n" }], rows: [[1]], row_count: 1, truncated: false } })}
      />,
    );
    expect(screen.getByText("1 row")).toBeInTheDocument();
    expect(screen.queryByText("truncated")).not.toBeInTheDocument();
  });

  it("lists files with their type and size", async () => {
    render(
      <ToolExecutionCard
        defaultOpen
        execution={execution({
          name: "list_files",
          input: { path: "reports" },
          output: {
            path: "reports",
            entries: [
              { name: "2024", path: "reports/2024", type: "directory" },
              { name: "summary.md", path: "reports/summary.md", type: "file", size: 2048 },
            ],
            total: 2,
            has_more: false,
          },
        })}
      />,
    );
    expect(screen.getByRole("button", { name: /Listed files/ })).toHaveTextContent("/reports");
    const items = within(screen.getByRole("list", { name: "Files" })).getAllByRole("listitem");
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent("2024/");
    expect(items[0]).toHaveTextContent("directory");
    expect(items[1]).toHaveTextContent("summary.md");
    expect(items[1]).toHaveTextContent("file");
    expect(items[1]).toHaveTextContent("2.0 kB");
  });

  it("shows a file's content as code in the language of its extension", async () => {
    render(
      <ToolExecutionCard
        defaultOpen
        execution={execution({
          name: "read_file",
          input: { path: "scripts/clean.py" },
          output: { path: "scripts/clean.py", content: "import pandas as pd\n", size: 20, truncated: false },
        })}
      />,
    );
    const code = document.querySelector("code.language-python");
    expect(code).toHaveTextContent("import pandas as pd");
    await waitFor(() => expect(code?.querySelector(".hljs-keyword")).toHaveTextContent("import")); // highlighted
    expect(code).toHaveAttribute("data-language", "python");
    expect(screen.getAllByText("python").length).toBeGreaterThan(0);
  });

  it("describes tables with their columns", () => {
    render(
      <ToolExecutionCard
        defaultOpen
        execution={execution({
          name: "describe_tables",
          input: {},
          output: {
            tables: [
              { schema: "public", name: "districts", kind: "table", comment: "Districts", columns: [{ name: "id", type: "integer" }, { name: "name", type: "text" }] },
              { schema: "public", name: "district_monthly_cases", kind: "view", columns: [{ name: "district", type: "text" }] },
            ],
            table_count: 2,
            truncated: false,
          },
        })}
      />,
    );
    const tables = screen.getByRole("list", { name: "Tables" });
    expect(tables).toHaveTextContent("districts");
    expect(within(screen.getByRole("list", { name: "districts columns" })).getAllByRole("listitem")).toHaveLength(2);
    expect(screen.getByText("view")).toBeInTheDocument();
  });

  it("shows a tool error in red, in plain words in the compact line, the model's message under it", async () => {
    render(
      <ToolExecutionCard
        execution={execution({
          success: false,
          status: "FAILED",
          output: { error: { code: "NOT_READ_ONLY", message: "Only SELECT queries can be run." } },
        })}
      />,
    );
    const plain = screen.getByText("Refused: read-only");
    expect(plain).toHaveClass("text-red-700");
    expect(plain).toHaveAttribute("title", "NOT_READ_ONLY"); // the code is one hover away, not the headline
    await expand(/Queried the database/);
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("What the assistant was told: Only SELECT queries can be run. (NOT_READ_ONLY)");
    expect(alert).toHaveClass("text-red-700");
    expect(alert).toHaveClass("bg-red-50");
  });

  it("shows a running call with a spinner and no output yet", async () => {
    render(<ToolExecutionCard execution={execution({ status: "RUNNING", success: null, output: null, durationMs: null })} />);
    expect(screen.getByRole("status")).toHaveTextContent("Running");
    await expand(/Queried the database/);
    expect(screen.getByText("Running…")).toBeInTheDocument();
  });

  it("shows a tool that does not exist the generic way: its name, input and output as JSON", async () => {
    render(
      <ToolExecutionCard
        execution={execution({
          name: "launch_rockets",
          input: { query: "SELECT 1", path: "x" },
          output: { columns: [{ name: "n" }], rows: [[1]] },
        })}
      />,
    );
    const toggle = screen.getByRole("button", { name: /launch_rockets/ });
    expect(toggle).not.toHaveTextContent("Queried the database");
    expect(toggle).not.toHaveTextContent("SELECT 1"); // no summary of an unknown input
    await expand(/launch_rockets/);
    expect(document.querySelector("code.language-sql")).not.toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    expect(screen.getByText(/"path": "x"/)).toBeInTheDocument();
    expect(screen.getByText(/"columns": \[/)).toBeInTheDocument();
  });

  it("shows an output that does not have its tool's shape as JSON", () => {
    render(<ToolExecutionCard defaultOpen execution={execution({ output: { status: "odd" } })} />);
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    expect(screen.getByText(/"status": "odd"/)).toBeInTheDocument();
  });

  it("knows a tool by its name, and nothing else", () => {
    // (that every AssistantToolName has an entry in TOOLS, the type of TOOLS says)
    expect(toolNameOf("search_files")).toBe("search_files");
    expect(toolConfig("search_files")).toBe(TOOLS.search_files);
    expect(toolNameOf("launch_rockets")).toBeNull();
    expect(toolNameOf("toString")).toBeNull();
    expect(toolConfig(null)).toBe(GENERIC_TOOL);
  });
});
