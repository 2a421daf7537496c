"""Evaluations: a workspace's questions with expected results, asked as real turns and graded.

models (questions, runs, results), expected (the expected result of a question: SQL, a
query over files, literal values; one entry per kind), compare (result sets compared
independent of row and column order and column names, numbers within a tolerance, a
reason per failure), runner (a run: turns on the workers, graded, compared with the
previous run), tasks (the run as a job of the workers), graphql (the API).
"""
