"""The evaluations' GraphQL API (schema.graphql beside this): workspace ADMINs only; for
others a workspace's evaluations and runs are null, and mutations answer PERMISSION_DENIED
(or NOT_FOUND for what they cannot see)."""

from ariadne import MutationType, ObjectType, QueryType

from hexa.core.graphql_errors import payload
from hexa.core.text import is_storable_text
from hexa.user_management.backends import has_member_perm
from hexa.workspaces.models import Workspace

from . import questions as q
from .models import EvaluationQuestion, EvaluationRun, ExpectedKind
from .runner import create_run, regressions
from .tasks import queue_run

workspace_object = ObjectType("Workspace")
evaluations_object = ObjectType("AssistantEvaluations")
run_object = ObjectType("AssistantEvaluationRun")
result_object = ObjectType("AssistantEvaluationResult")
evaluation_queries = QueryType()
evaluation_mutations = MutationType()

MAX_RUNS = 100
PERMISSION = "assistant.manage_evaluations"


def _user(info):
    return info.context["request"].user


def _may_manage(user, workspace) -> bool:
    return has_member_perm(user, PERMISSION, workspace)


def _managed_workspace(user, slug):
    workspace = Workspace.objects.filter_for_user(user).filter(slug=slug).first() if is_storable_text(slug) else None
    if workspace is None:
        return None, "WORKSPACE_NOT_FOUND"
    if not _may_manage(user, workspace):
        return None, "PERMISSION_DENIED"
    return workspace, None


@workspace_object.field("assistantEvaluations")
def resolve_evaluations(workspace, info):
    return workspace if _may_manage(_user(info), workspace) else None


@evaluations_object.field("questions")
def resolve_questions(workspace, _):
    return EvaluationQuestion.objects.filter(workspace=workspace).select_related("created_by")


@evaluations_object.field("runs")
def resolve_runs(workspace, _, limit=20):
    return EvaluationRun.objects.filter(workspace=workspace).select_related("started_by")[: max(0, min(limit or 0, MAX_RUNS))]


@evaluations_object.field("expectedKinds")
def resolve_expected_kinds(workspace, _):
    return list(ExpectedKind.values)


@evaluation_queries.field("assistantEvaluationRun")
def resolve_run(_, info, id):
    run = EvaluationRun.objects.select_related("workspace", "started_by").filter(pk=id).first()
    return run if run is not None and _may_manage(_user(info), run.workspace) else None


@run_object.field("cost")
def resolve_run_cost(run, _):
    return format(run.cost.normalize(), "f")


@run_object.field("results")
def resolve_results(run, _):
    return run.results.all()


@run_object.field("regressions")
def resolve_regressions(run, _):
    return regressions(run)


@result_object.field("question")
def resolve_result_question(result, _):
    return result.question_text


@result_object.field("reason")
def resolve_reason(result, _):
    return result.reason or None


@result_object.field("cost")
def resolve_result_cost(result, _):
    return format(result.cost.normalize(), "f")


@evaluation_mutations.field("createAssistantEvaluationQuestion")
def resolve_create_question(_, info, input):
    user = _user(info)
    workspace, refused = _managed_workspace(user, input["workspace_slug"])
    if refused:
        return payload([refused], question=None)
    question, errors, message = q.create_question(
        user, workspace, input["question"], input["expected_kind"], input["expected"], input.get("tolerance")
    )
    return payload(errors, question=question, message=message)


def _managed_question(user, question_id):
    question = (
        EvaluationQuestion.objects.filter(pk=question_id, workspace__in=Workspace.objects.filter_for_user(user))
        .select_related("workspace")
        .first()
    )
    if question is None:
        return None, "NOT_FOUND"
    if not _may_manage(user, question.workspace):
        return None, "PERMISSION_DENIED"
    return question, None


@evaluation_mutations.field("updateAssistantEvaluationQuestion")
def resolve_update_question(_, info, input):
    user = _user(info)
    question, refused = _managed_question(user, input["id"])
    if refused:
        return payload([refused], question=None)
    changes = {"question": input.get("question"), "kind": input.get("expected_kind"), "expected": input.get("expected"), "tolerance": input.get("tolerance")}
    errors, message = q.update_question(user, question, changes)
    if errors:
        question.refresh_from_db()
    return payload(errors, question=question, message=message)


@evaluation_mutations.field("deleteAssistantEvaluationQuestion")
def resolve_delete_question(_, info, input):
    question, refused = _managed_question(_user(info), input["id"])
    if refused:
        return payload([refused])
    question.delete()
    return payload()


@evaluation_mutations.field("runAssistantEvaluation")
def resolve_run_evaluation(_, info, input):
    user = _user(info)
    workspace, refused = _managed_workspace(user, input["workspace_slug"])
    if refused:
        return payload([refused], run=None)
    run, errors = create_run(user, workspace, input.get("model"))
    if errors:
        return payload(errors, run=None)
    queue_run(run)
    return payload(run=run)


bindables = [workspace_object, evaluations_object, run_object, result_object, evaluation_queries, evaluation_mutations]
