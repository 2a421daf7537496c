/**
 * How the workspace's connections, datasets and DHIS2 requests are shown (list_connections,
 * list_datasets, query_dhis2's input). DHIS2 answers are tables: QueryResultTable.
 */
import Badge from "core/components/Badge";
import { useTranslation } from "core/helpers/i18n";
import { formatSize } from "assistant/helpers/format";
import { type Json, JsonView } from "./ToolViews";

export const ConnectionList = ({ output }: { output: Json }) => {
  const { t } = useTranslation();
  const connections: Json[] = output.connections ?? [];
  if (connections.length === 0) return <p className="text-xs text-gray-500">{t("This workspace has no connections.")}</p>;
  return (
    <ul className="divide-y divide-gray-100 rounded-md border border-gray-200 bg-white text-xs" aria-label={t("Connections")}>
      {connections.map((connection, index) => {
        const fields = connection?.fields && typeof connection.fields === "object" ? Object.entries(connection.fields) : [];
        const secrets: Json[] = Array.isArray(connection?.secret_fields) ? connection.secret_fields : [];
        return (
          <li key={index} className="px-2.5 py-1.5">
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-semibold text-gray-900">{String(connection?.name ?? "?")}</span>
              <code className="font-mono text-gray-700">{String(connection?.slug ?? "")}</code>
              <Badge>{String(connection?.type ?? "")}</Badge>
            </div>
            {fields.length + secrets.length > 0 ? (
              <dl className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-gray-600">
                {fields.map(([code, value]) => (
                  <div key={code} className="flex min-w-0 gap-1">
                    <dt className="font-mono">{code}</dt>
                    <dd className="min-w-0 break-all text-gray-800">{String(value)}</dd>
                  </div>
                ))}
                {secrets.map((code) => (
                  <div key={String(code)} className="flex gap-1">
                    <dt className="font-mono">{String(code)}</dt>
                    <dd className="text-gray-600">{t("secret, not shown")}</dd>
                  </div>
                ))}
              </dl>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
};

export const DatasetList = ({ output }: { output: Json }) => {
  const { t } = useTranslation();
  const datasets: Json[] = output.datasets ?? [];
  if (datasets.length === 0) return <p className="text-xs text-gray-500">{t("No datasets.")}</p>;
  return (
    <ul className="divide-y divide-gray-100 rounded-md border border-gray-200 bg-white text-xs" aria-label={t("Datasets")}>
      {datasets.map((dataset, index) => (
        <li key={index} className="px-2.5 py-1.5">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-semibold text-gray-900">{String(dataset?.name ?? "?")}</span>
            <code className="font-mono text-gray-700">{String(dataset?.slug ?? "")}</code>
            {dataset?.shared_from ? <Badge>{t("shared from {{workspace}}", { workspace: String(dataset.shared_from) })}</Badge> : null}
          </div>
          <ul className="mt-1 space-y-0.5 text-gray-600" aria-label={t("Versions of {{name}}", { name: String(dataset?.name ?? "") })}>
            {(Array.isArray(dataset?.versions) ? dataset.versions : []).map((version: Json, position: number) => (
              <li key={position} className="min-w-0">
                <span className="font-medium text-gray-800">{String(version?.name ?? "?")}</span>
                {version?.changelog ? <span> — {String(version.changelog)}</span> : null}
                <ul className="ml-3">
                  {(Array.isArray(version?.files) ? version.files : []).map((file: Json, place: number) => (
                    <li key={place} className="flex min-w-0 items-center gap-2">
                      <code className="min-w-0 font-mono break-all text-gray-800">{String(file?.name ?? "?")}</code>
                      <span className="ml-auto text-gray-500 tabular-nums">{formatSize(file?.size)}</span>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
};

/** A DHIS2 request: its resource and DHIS2's own parameters. */
export const Dhis2Request = ({ input }: { input: Json }) => {
  const { t } = useTranslation();
  return (
    <div className="space-y-1.5 text-xs">
      <p className="text-gray-700">
        {t("DHIS2 connection")} <code className="font-mono">{String(input.connection ?? "")}</code> ·{" "}
        <code className="font-mono">/api/{String(input.resource ?? "")}</code>
      </p>
      {input.params && typeof input.params === "object" ? <JsonView value={input.params} /> : null}
    </div>
  );
};
