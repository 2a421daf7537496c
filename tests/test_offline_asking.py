"""The offline stand-in asks when a request is ambiguous and goes on once answered, and
says where an approved write went: the waiting flow without Claude."""

from hexa.assistant import answers, approvals
from hexa.assistant.local_model import OfflineDemoResponder
from hexa.assistant.models import Message, ToolExecution
from hexa.assistant.service import send_message
from hexa.files.api import bucket_path

from .test_offline_model import LABEL, offline  # noqa: F401 (the fixture)


def test_an_ambiguous_request_is_asked_about_then_answered_with_a_query(offline):  # noqa: F811
    result = send_message(offline.user, offline.id, "Chart the malaria cases over time")
    assert result.message.status == "WAITING" and LABEL in result.message.text
    question = ToolExecution.objects.get(message=result.message)
    assert question.name == "ask_user" and question.input["choices"] == ["Per year", "Per month"]

    assert answers.answer_question(offline.user, question.id, "Per year")[1] is None
    message = Message.objects.get(pk=result.message.pk)
    assert message.status == "COMPLETE" and message.model_calls == 3  # asked, queried, summarised
    query = ToolExecution.objects.get(message=message, name="query_database")
    assert query.success and [row[0] for row in query.output["rows"]] == [2022, 2023, 2024]
    assert "| year | confirmed_cases |" in message.text


def test_a_clear_request_is_not_asked_about(offline):  # noqa: F811
    result = send_message(offline.user, offline.id, "Show the malaria cases per month over time")
    assert result.message.status == "COMPLETE"
    assert not ToolExecution.objects.filter(message=result.message, name="ask_user").exists()


def test_after_an_approved_write_it_says_where_the_file_is(offline):  # noqa: F811
    result = send_message(offline.user, offline.id, "Write a summary to reports/summary_2024.md then tell me where it is")
    assert result.message.status == "WAITING"
    write = ToolExecution.objects.get(message=result.message, name="write_file")
    assert approvals.approve(offline.user, write.id)[1] is None
    message = Message.objects.get(pk=result.message.pk)
    assert message.status == "COMPLETE" and "saved at `reports/summary_2024.md`" in message.text
    assert (bucket_path(offline.workspace.bucket_name) / "reports" / "summary_2024.md").exists()


def test_the_stand_in_reads_an_unanswered_question():
    responder = OfflineDemoResponder()
    body = {
        "tools": [{"name": "ask_user"}, {"name": "query_database"}],
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "cases over time"}]},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "ask_user", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "is_error": True, "content": "{\"error\": {}}"}]},
        ],
    }
    reply = responder(body)
    assert "did not answer" in reply.content[0]["text"]
