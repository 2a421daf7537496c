"""A workspace's evaluation questions, created and changed with validation: the expected
result is computed once, as the user, so that a question that could never pass (a query
that fails, JSON that does not parse) is refused with the reason. Errors as data."""

import math

from django.db import transaction

from hexa.core.text import is_storable_text

from .expected import ExpectedError, expected_result
from .models import EvaluationQuestion, ExpectedKind

MAX_QUESTION_CHARS = 4_000
MAX_QUESTIONS = 200


def _errors(user, workspace, question, kind, expected, tolerance) -> tuple[list[str], str | None]:
    errors = []
    if not isinstance(question, str) or not question.strip() or len(question) > MAX_QUESTION_CHARS or not is_storable_text(question):
        errors.append("INVALID_QUESTION")
    if kind not in ExpectedKind.values:
        errors.append("INVALID_KIND")
    if tolerance is not None and (not isinstance(tolerance, (int, float)) or not math.isfinite(tolerance) or not 0 <= tolerance <= 1):
        errors.append("INVALID_TOLERANCE")
    if errors:
        return errors, None
    if not isinstance(expected, str) or not is_storable_text(expected):
        return ["INVALID_EXPECTED"], "The expected result has characters that cannot be stored."
    try:
        expected_result(user, workspace, kind, expected)
    except ExpectedError as error:
        return ["INVALID_EXPECTED"], str(error)
    return [], None


def create_question(user, workspace, question, kind, expected, tolerance=None):
    """(question, errors, message)."""
    errors, message = _errors(user, workspace, question, kind, expected, tolerance)
    if errors:
        return None, errors, message
    with transaction.atomic():
        if EvaluationQuestion.objects.filter(workspace=workspace).count() >= MAX_QUESTIONS:
            return None, ["TOO_MANY_QUESTIONS"], None
        created = EvaluationQuestion.objects.create(
            workspace=workspace, question=question.strip(), expected_kind=kind, expected=expected.strip(),
            tolerance=tolerance or 0, created_by=user,
        )
    return created, [], None


def update_question(user, question, changes: dict):
    """(errors, message); fields left out or None stay as they are."""
    merged = {
        "question": question.question, "kind": question.expected_kind, "expected": question.expected,
        "tolerance": question.tolerance,
    }
    merged.update({k: v for k, v in changes.items() if v is not None})
    errors, message = _errors(user, question.workspace, merged["question"], merged["kind"], merged["expected"], merged["tolerance"])
    if errors:
        return errors, message
    question.question, question.expected_kind = merged["question"].strip(), merged["kind"]
    question.expected, question.tolerance = merged["expected"].strip(), merged["tolerance"] or 0
    question.save()
    return [], None
