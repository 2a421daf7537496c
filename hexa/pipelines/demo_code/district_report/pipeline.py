"""A district report of the malaria cases in the workspace database, written as a new version of
the dataset `malaria-indicators` (a Parquet file)."""

import os
from datetime import date

import duckdb
import psycopg2
from openhexa.sdk import current_run, parameter, pipeline, workspace


@pipeline(name="District report", timeout=1800)
@parameter("dataset", name="Dataset", type=str, default="malaria-indicators", required=True)
@parameter("version_name", name="Version name (the date when empty)", type=str, required=False)
def district_report(dataset, version_name):
    path = os.path.join(workspace.tmp_path, "district_report.parquet")
    count = write_report(path)
    current_run.log_info(f"{count} district-months in the report")
    target = workspace.get_dataset(dataset)
    version = target.create_version(version_name or f"District report {date.today().isoformat()}")
    version.add_file(path, filename="district_report.parquet")
    current_run.log_info(f"Dataset {dataset}: version {version.name} written")


def write_report(path):
    """Monthly confirmed and tested cases by district, and the positivity rate, from the workspace
    database (the demo's view district_monthly_cases): PostgreSQL's CSV, typed by DuckDB into Parquet."""
    csv_path = path + ".csv"
    with psycopg2.connect(workspace.database_url) as connection, connection.cursor() as cursor:
        with open(csv_path, "w") as file:
            cursor.copy_expert(
                "COPY (SELECT *, round(confirmed_cases::numeric / nullif(tested, 0), 4) AS positivity_rate "
                "FROM district_monthly_cases ORDER BY 1, 2) TO STDOUT WITH CSV HEADER",
                file,
            )
    connection.close()
    engine = duckdb.connect()
    engine.execute(f"COPY (SELECT * FROM read_csv_auto('{csv_path}')) TO '{path}' (FORMAT parquet)")
    count = engine.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0]
    os.remove(csv_path)
    return count
