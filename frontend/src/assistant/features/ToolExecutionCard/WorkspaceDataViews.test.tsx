import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { execution } from "assistant/helpers/testFixtures";
import ToolExecutionCard from "./ToolExecutionCard";

describe("connections, DHIS2 and datasets", () => {
  it("shows a DHIS2 answer as a table, with the request and a download link", async () => {
    render(
      <ToolExecutionCard
        execution={execution({
          id: "b6c1f0e2-0000-4000-8000-000000000001",
          name: "query_dhis2",
          input: { connection: "dhis2-demo", resource: "analytics", params: { dimension: ["dx:abc", "pe:202410", "ou:LEVEL-2"] } },
          output: {
            connection: "dhis2-demo",
            resource: "analytics",
            columns: [
              { name: "ou_name", type: "text" },
              { name: "value", type: "bigint" },
            ],
            rows: [
              ["Bo", 1712],
              ["Kenema", 905],
            ],
            row_count: 2,
            total_rows: 2,
            truncated: false,
          },
        })}
      />,
    );
    const button = screen.getByRole("button", { name: /Queried DHIS2/ });
    expect(button).toHaveTextContent("dhis2-demo /api/analytics");
    await userEvent.click(button);
    expect(screen.getByText("/api/analytics")).toBeInTheDocument();
    expect(screen.getByText(/pe:202410/)).toBeInTheDocument();
    const table = screen.getByRole("table");
    expect(within(table).getAllByRole("row").map((row) => row.textContent)).toEqual(["ou_namevalue", "Bo1,712", "Kenema905"]);
    expect(screen.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
      "href",
      expect.stringContaining("b6c1f0e2-0000-4000-8000-000000000001"),
    );
  });

  it("lists connections with their secret fields named, never valued", () => {
    render(
      <ToolExecutionCard
        defaultOpen
        execution={execution({
          name: "list_connections",
          input: {},
          output: {
            connections: [
              {
                slug: "dhis2-demo",
                name: "DHIS2 (demo server)",
                type: "DHIS2",
                fields: { url: "http://127.0.0.1:8788", username: "admin" },
                secret_fields: ["password"],
              },
            ],
            count: 1,
          },
        })}
      />,
    );
    const list = screen.getByRole("list", { name: "Connections" });
    expect(list).toHaveTextContent("DHIS2 (demo server)dhis2-demoDHIS2");
    expect(list).toHaveTextContent("passwordsecret, not shown");
  });

  it("lists datasets with their versions and files", () => {
    render(
      <ToolExecutionCard
        defaultOpen
        execution={execution({
          name: "list_datasets",
          input: {},
          output: {
            datasets: [
              {
                slug: "malaria-indicators",
                name: "Malaria indicators",
                versions: [
                  { name: "2022-2024", changelog: "Adds 2024.", files: [{ name: "malaria_indicators.parquet", size: 40000 }] },
                  { name: "2022-2023", changelog: "", files: [{ name: "malaria_indicators.parquet", size: 30000 }] },
                ],
              },
            ],
          },
        })}
      />,
    );
    const versions = screen.getByRole("list", { name: "Versions of Malaria indicators" });
    expect(within(versions).getAllByText("malaria_indicators.parquet")).toHaveLength(2);
    expect(versions).toHaveTextContent("2022-2024 — Adds 2024.");
  });
});
