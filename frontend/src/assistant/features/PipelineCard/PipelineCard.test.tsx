import { MockedProvider } from "@apollo/client/testing";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { execution } from "assistant/helpers/testFixtures";
import ToolExecutionCard from "assistant/features/ToolExecutionCard";
import { PipelineRunCardDocument } from "./PipelineCard.generated";

const PROPOSED = {
  status: "pending_approval",
  action: "RUN",
  pipeline_code: "dhis2-monthly-extract",
  pipeline_name: "DHIS2 monthly extract",
  version: { id: "v-1", number: 1, name: "Demo" },
  config: { dhis2: "dhis2-demo", period: "202411", data_elements: null },
  parameters: [
    { code: "dhis2", name: "DHIS2 connection", type: "dhis2", value: "dhis2-demo" },
    { code: "period", name: "Period (YYYYMM)", type: "str", value: "202411" },
    { code: "data_elements", name: "Data elements", type: "str", value: null },
  ],
};

function run(overrides = {}) {
  return execution({
    id: "r-1",
    name: "run_pipeline",
    tool: "run_pipeline",
    input: { pipeline_code: "dhis2-monthly-extract", config: { dhis2: "dhis2-demo", period: "202411" } },
    output: PROPOSED,
    status: "PENDING_APPROVAL",
    success: null,
    ...overrides,
  });
}

const LIVE = {
  request: { query: PipelineRunCardDocument, variables: { id: "r-1" } },
  result: {
    data: {
      assistantPipelineRun: {
        __typename: "AssistantPipelineRun",
        id: "run-1",
        status: "running",
        progress: 40,
        durationS: 3.2,
        messages: [{ __typename: "AssistantPipelineRunMessage", priority: "INFO", message: "48 values for 202411" }],
        outputs: [{ type: "file", path: "dhis2/analytics_202411.csv", read_with: "read_file, query_files" }],
      },
    },
  },
};

describe("PipelineCard", () => {
  it("shows the pipeline, its version and each parameter, and approves or rejects the run", async () => {
    const onApprove = jest.fn().mockResolvedValue({ success: true, errors: [] });
    const onReject = jest.fn().mockResolvedValue({ success: true, errors: [] });
    render(
      <MockedProvider mocks={[]}>
        <ToolExecutionCard execution={run()} onApprove={onApprove} onReject={onReject} />
      </MockedProvider>,
    );
    const card = screen.getByRole("region", { name: "Run the pipeline DHIS2 monthly extract" });
    expect(card).toHaveTextContent("The assistant wants to run a pipeline");
    expect(card).toHaveTextContent("dhis2-monthly-extract");
    expect(card).toHaveTextContent("Version Demo");
    const rows = screen.getAllByRole("row").slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      "DHIS2 connectiondhis2dhis2-demo",
      "Period (YYYYMM)period202411",
      "Data elementsdata_elements—",
    ]);
    await userEvent.click(screen.getByRole("button", { name: "Approve the run" }));
    expect(onApprove).toHaveBeenCalledWith("r-1");
    await userEvent.click(screen.getByRole("button", { name: "Reject" }));
    await userEvent.type(screen.getByLabelText("Reason (optional, told to the assistant)"), "Not now");
    await userEvent.click(screen.getByRole("button", { name: "Confirm rejection" }));
    expect(onReject).toHaveBeenCalledWith("r-1", "Not now");
  });

  it("follows the run while the turn waits: status, progress, latest messages and outputs", async () => {
    const waiting = run({
      status: "AWAITING_RUN",
      output: { status: "running", run: { run_id: "run-1", pipeline_code: "dhis2-monthly-extract", pipeline_name: "DHIS2 monthly extract", version: { name: "Demo" }, status: "queued", progress: 0 } },
    });
    const onStopWaiting = jest.fn();
    render(
      <MockedProvider mocks={[LIVE]}>
        <ToolExecutionCard execution={waiting} onApprove={jest.fn()} onReject={jest.fn()} onStopWaiting={onStopWaiting} onRunEnded={jest.fn()} />
      </MockedProvider>,
    );
    expect(await screen.findByText("48 values for 202411")).toBeInTheDocument();
    expect(screen.getByText("Waiting for the run")).toBeInTheDocument();
    expect(screen.getByRole("progressbar", { name: "Progress of the run" })).toHaveAttribute("aria-valuenow", "40");
    expect(screen.getByRole("list", { name: "Outputs of the run" })).toHaveTextContent("dhis2/analytics_202411.csv");
    await userEvent.click(screen.getByRole("button", { name: "Stop waiting (the run goes on)" }));
    await waitFor(() => expect(onStopWaiting).toHaveBeenCalled());
  });

  it("tells the run's end from the call's result once the turn went on", () => {
    const done = run({
      status: "FAILED",
      success: false,
      output: {
        status: "failed",
        run: { run_id: "run-1", pipeline_code: "dhis2-monthly-extract", status: "failed", progress: 10, duration_s: 4,
               messages: [{ priority: "ERROR", message: "DHIS2 answered 409" }], outputs: [] },
      },
    });
    render(
      <MockedProvider mocks={[]}>
        <ToolExecutionCard execution={done} onApprove={jest.fn()} onReject={jest.fn()} />
      </MockedProvider>,
    );
    expect(screen.getByTestId("pipeline-run")).toHaveTextContent("Failed");
    expect(screen.getByText("DHIS2 answered 409")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Approve the run" })).not.toBeInTheDocument();
  });
});
