"""The demo workspace's evaluation set: 20 questions a malaria programme's data team asks,
over its database and its files, with their expected results. `seed_demo` adds them to a
workspace that has none (its admin may then change them)."""

import json

from .models import EvaluationQuestion, ExpectedKind

SQL, FILES, VALUES = ExpectedKind.SQL, ExpectedKind.FILES, ExpectedKind.VALUES


def _files(files: dict, sql: str) -> str:
    return json.dumps({"files": files, "sql": sql})


# (question, kind, expected, tolerance)
DEMO_QUESTIONS = [
    ("How many districts are there?", SQL, "SELECT count(*) FROM districts", 0),
    (
        "Which 10 districts had the most confirmed malaria cases?", SQL,
        "SELECT district, SUM(confirmed_cases) FROM district_monthly_cases GROUP BY district ORDER BY 2 DESC LIMIT 10", 0,
    ),
    ("What is the population of each region?", SQL, "SELECT region, SUM(population) FROM districts GROUP BY region", 0),
    (
        "How many health facilities are there of each type?", SQL,
        "SELECT facility_type, count(*) FROM health_facilities GROUP BY facility_type", 0,
    ),
    (
        "How many confirmed malaria cases were reported in 2024?", SQL,
        "SELECT SUM(confirmed_cases) FROM malaria_cases WHERE period >= '2024-01-01' AND period < '2025-01-01'", 0,
    ),
    (
        "How many malaria deaths were reported each year?", SQL,
        "SELECT extract(year FROM period)::int AS year, SUM(deaths) FROM malaria_cases GROUP BY 1", 0,
    ),
    (
        "What was the test positivity rate (confirmed cases / tested) of each district in 2024?", SQL,
        "SELECT district, SUM(confirmed_cases)::numeric / SUM(tested) FROM district_monthly_cases "
        "WHERE period >= '2024-01-01' AND period < '2025-01-01' GROUP BY district", 0.01,
    ),
    ("Which district has the largest population?", SQL, "SELECT name, population FROM districts ORDER BY population DESC LIMIT 1", 0),
    (
        "How many confirmed cases were there among children under 5 in 2024?", SQL,
        "SELECT SUM(confirmed_cases) FROM malaria_cases WHERE age_group = 'under_5' AND period >= '2024-01-01' "
        "AND period < '2025-01-01'", 0,
    ),
    (
        "Which month of 2024 had the most confirmed cases nationally?", SQL,
        "SELECT period, SUM(confirmed_cases) FROM malaria_cases WHERE period >= '2024-01-01' AND period < '2025-01-01' "
        "GROUP BY period ORDER BY 2 DESC LIMIT 1", 0,
    ),
    (
        "How many health facilities does each district have?", SQL,
        "SELECT d.name, count(*) FROM health_facilities f JOIN districts d ON d.id = f.district_id GROUP BY d.name", 0,
    ),
    (
        "How many confirmed cases did Kenema report each year?", SQL,
        "SELECT extract(year FROM period)::int, SUM(confirmed_cases) FROM district_monthly_cases "
        "WHERE district = 'Kenema' GROUP BY 1", 0,
    ),
    (
        "List the districts of the Southern region with their population.", SQL,
        "SELECT name, population FROM districts WHERE region = 'Southern'", 0,
    ),
    (
        "Total confirmed cases per district in data/raw/2024/*.csv", FILES,
        _files({"reports": "data/raw/2024/*.csv"}, "SELECT district, SUM(confirmed_cases) FROM reports GROUP BY district"), 0,
    ),
    (
        "Total deaths per month in data/processed/facility_reports_2024.parquet", FILES,
        _files({"reports": "data/processed/facility_reports_2024.parquet"}, "SELECT period, SUM(deaths) FROM reports GROUP BY period"), 0,
    ),
    (
        "How many health facilities are listed in data/reference/health_facilities.csv?", FILES,
        _files({"facilities": "data/reference/health_facilities.csv"}, "SELECT count(*) FROM facilities"), 0,
    ),
    ("What is the population of Bo according to data/reference/districts.csv?", VALUES, "575478", 0),
    (
        "Which districts does the 2024 annual report list as districts to watch, with their confirmed cases?", VALUES,
        json.dumps([["Western Area Urban", 212430], ["Port Loko", 154002], ["Kailahun", 121877]]), 0,
    ),
    ("What testing coverage did the 2024 annual report give?", VALUES, json.dumps([["91%"]]), 0),
    (
        "What is the average positivity per district in reports/2024/q4_summary.csv?", FILES,
        _files({"q4": "reports/2024/q4_summary.csv"}, "SELECT district, AVG(positivity) FROM q4 GROUP BY district"), 0.01,
    ),
]


def seed_demo_questions(workspace, user) -> int:
    """Add the demo's questions to a workspace that has none; returns how many were added."""
    if EvaluationQuestion.objects.filter(workspace=workspace).exists():
        return 0
    EvaluationQuestion.objects.bulk_create(
        EvaluationQuestion(workspace=workspace, question=q, expected_kind=k, expected=e, tolerance=t, created_by=user)
        for q, k, e, t in DEMO_QUESTIONS
    )
    return len(DEMO_QUESTIONS)
