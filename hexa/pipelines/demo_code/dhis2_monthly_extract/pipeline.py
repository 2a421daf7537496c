"""Extract a month of DHIS2 analytics (data elements by district) into the workspace: a table of
the workspace database and a CSV file in its bucket, both recorded as the run's outputs."""

import csv
import os

import psycopg2
import requests
from openhexa.sdk import DHIS2Connection, current_run, parameter, pipeline, workspace


@pipeline(name="DHIS2 monthly extract", timeout=1800)
@parameter("dhis2", name="DHIS2 connection", type=DHIS2Connection, required=True)
@parameter("period", name="Period (YYYYMM)", type=str, default="202410", required=True)
@parameter(
    "data_elements", name="Data elements (ids; all when empty)", type=str, multiple=True, required=False
)
def dhis2_monthly_extract(dhis2, period, data_elements):
    session = requests.Session()
    session.auth = (dhis2.username, dhis2.password)
    base = dhis2.url.rstrip("/")
    if not data_elements:
        listing = get_json(session, f"{base}/api/dataElements", {"paging": "false", "fields": "id,name"})
        data_elements = [element["id"] for element in listing.get("dataElements", [])]
        current_run.log_info(f"No data element given: extracting all {len(data_elements)}")
    rows = extract(session, base, period, data_elements)
    current_run.log_info(f"{len(rows)} values for {period}")
    path = write_csv(rows, period)
    current_run.add_file_output(path)
    write_table(rows, period)
    current_run.add_database_output("dhis2_monthly_values")


def get_json(session, url, params):
    response = session.get(url, params=params, timeout=60)
    if response.status_code != 200:
        raise RuntimeError(f"DHIS2 answered {response.status_code} for {url}: {response.text[:300]}")
    return response.json()


def extract(session, base, period, data_elements):
    """/api/analytics by data element, period and district (org unit level 2)."""
    answer = get_json(
        session,
        f"{base}/api/analytics",
        {"dimension": [f"dx:{';'.join(data_elements)}", f"pe:{period}", "ou:LEVEL-2"], "displayProperty": "NAME"},
    )
    columns = [header["name"] for header in answer["headers"]]
    names = {key: item.get("name", key) for key, item in answer.get("metaData", {}).get("items", {}).items()}
    rows = []
    for values in answer.get("rows", []):
        row = dict(zip(columns, values))
        rows.append(
            {
                "data_element": row["dx"],
                "data_element_name": names.get(row["dx"], row["dx"]),
                "period": row["pe"],
                "org_unit": row["ou"],
                "org_unit_name": names.get(row["ou"], row["ou"]),
                "value": float(row["value"]),
            }
        )
    return rows


def write_csv(rows, period):
    folder = os.path.join(workspace.files_path, "dhis2")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"analytics_{period}.csv")
    with open(path, "w", newline="") as file:
        writer = csv.DictWriter(
            file, fieldnames=["data_element", "data_element_name", "period", "org_unit", "org_unit_name", "value"]
        )
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_table(rows, period):
    """One table for every month: the month's rows are replaced, so a run can be repeated."""
    with psycopg2.connect(workspace.database_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS dhis2_monthly_values (data_element text, data_element_name text, "
            "period text, org_unit text, org_unit_name text, value double precision)"
        )
        cursor.execute("DELETE FROM dhis2_monthly_values WHERE period = %s", [period])
        cursor.executemany(
            "INSERT INTO dhis2_monthly_values VALUES (%(data_element)s, %(data_element_name)s, %(period)s, "
            "%(org_unit)s, %(org_unit_name)s, %(value)s)",
            rows,
        )
    connection.close()
