"""Searching one's conversations by what was said in them: full-text (English and French
stemming), names as written, titles by trigrams; the matching passage comes with each."""

import pytest

from hexa.assistant import search as search_module
from hexa.assistant.models import Conversation, Message
from hexa.workspaces.models import WorkspaceMembership

QUERY = """query($slug: String!, $search: String) { workspace(slug: $slug) {
  assistantConversations(search: $search) { totalItems items { title searchExcerpt } } } }"""
PAGE = """query($slug: String!, $search: String, $page: Int) { workspace(slug: $slug) {
  assistantConversations(search: $search, page: $page, perPage: 2) {
    totalItems totalPages moreMatches items { title searchExcerpt } } } }"""


def _conversation(user, workspace, title, *texts):
    conversation = Conversation.objects.create(user=user, workspace=workspace, title=title, model="m")
    for index, text in enumerate(texts):
        Message.objects.create(conversation=conversation, role="user" if index % 2 == 0 else "assistant", index=index, text=text)
    return conversation


def _found(gql, roles, search):
    page = gql(QUERY, {"slug": roles["workspace"].slug, "search": search})["data"]["workspace"]["assistantConversations"]
    return {item["title"]: item["searchExcerpt"] for item in page["items"]}


def test_questions_and_answers_are_searched_with_english_and_french_stemming(gql, roles):
    user, workspace = roles["editor"], roles["workspace"]
    _conversation(user, workspace, "Reports", "Which districts reported the most cases?", "Bo reported 27,665 confirmed cases in 2024.")
    _conversation(user, workspace, "Paludisme", "Quels districts ont le plus de cas de paludisme ?", "Les hôpitaux de Bo déclarent le plus.")
    _conversation(user, workspace, "Stock", "How much stock is left?", "Forty boxes of tests.")
    gql.login(user)

    found = _found(gql, roles, "report")  # English stemming: "reported" is "report"
    assert set(found) == {"Reports"}
    assert "reported" in found["Reports"]
    assert _found(gql, roles, "hôpital") == {"Paludisme": "Les hôpitaux de Bo déclarent le plus."}  # French stemming
    assert set(_found(gql, roles, "confirm")) == {"Reports"}
    # the excerpt is from the latest message that matches
    assert _found(gql, roles, "confirmed")["Reports"].startswith("Bo reported 27,665 confirmed")


def test_names_are_found_as_written_with_their_passage(gql, roles):
    user, workspace = roles["editor"], roles["workspace"]
    long_answer = ("Some context about the programme. " * 10) + "The figures come from data/hmis/hmis_monthly_2024.xlsx, sheet 2." + (
        " More words after it." * 10
    )
    _conversation(user, workspace, "Workbook", "What is in the workbook?", long_answer)
    _conversation(user, workspace, "Other", "Nothing here", "Nothing there")
    gql.login(user)
    found = _found(gql, roles, "HMIS")  # full-text search keeps the path as one token: found as written
    assert set(found) == {"Workbook"}
    excerpt = found["Workbook"]
    assert "hmis_monthly_2024.xlsx" in excerpt and excerpt.startswith("…") and excerpt.endswith("…")
    assert len(excerpt) <= 170


def test_titles_are_found_by_trigrams_and_then_have_no_excerpt(gql, roles):
    user, workspace = roles["editor"], roles["workspace"]
    _conversation(user, workspace, "Kenema malaria trend", "A question", "An answer")
    gql.login(user)
    assert _found(gql, roles, "Kenemma") == {"Kenema malaria trend": None}  # misspelt
    assert _found(gql, roles, "zzzz") == {}


def test_the_planner_setting_for_titles_ends_with_their_query(roles):
    from django.db import connection

    _conversation(roles["editor"], roles["workspace"], "Kenema malaria trend", "A question", "An answer")
    # inside the test's transaction, as inside any caller's
    assert search_module.search_conversations(roles["editor"], roles["workspace"], "Kenemma")[0] != []
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)


def test_search_sees_only_ones_own_conversations_in_that_workspace(gql, roles):
    _conversation(roles["viewer"], roles["workspace"], "Viewer's", "HMIS question", "HMIS answer")
    _conversation(roles["editor"], roles["workspace"], "Editor's", "HMIS question", "HMIS answer")
    gql.login(roles["editor"])
    assert set(_found(gql, roles, "hmis")) == {"Editor's"}
    gql.login(roles["outsider"])
    assert gql(QUERY, {"slug": roles["workspace"].slug, "search": "hmis"})["data"]["workspace"] is None


def test_the_search_s_sql_keeps_to_the_conversations_filter_for_user_allows(roles, make_workspace):
    # search.py writes filter_for_user's rule again in SQL (for its plans): both must agree,
    # for members, non-members and a former member, in the workspace and in another
    workspace, other = roles["workspace"], make_workspace(roles["outsider"], name="Other")
    users = [roles[name] for name in ("admin", "editor", "viewer", "outsider")]
    everyone = [_conversation(u, w, f"{u.email} in {w.slug}", "HMIS question", "HMIS answer").pk for u in users for w in (workspace, other)]
    WorkspaceMembership.objects.filter(user=roles["viewer"], workspace=workspace).delete()
    members = {workspace: {roles["admin"], roles["editor"]}, other: {roles["outsider"]}}
    for user in users:
        for where in (workspace, other):
            allowed = set(Conversation.objects.filter_for_user(user).filter(workspace=where).values_list("pk", flat=True))
            assert len(allowed) == (1 if user in members[where] else 0)
            ids, _ = search_module.search_conversations(user, where, "hmis")
            assert set(ids) == allowed, (user.email, where.slug)
            page = search_module.page_with_excerpts(user, where, everyone, "hmis")
            assert {c.pk for c in page} == allowed, (user.email, where.slug)


def test_hostile_searches_find_nothing_and_break_nothing(gql, roles):
    _conversation(roles["editor"], roles["workspace"], "Normal", "A question", "An answer")
    gql.login(roles["editor"])
    for search in ("%", "_", "'", '"', "!!", "a & | b", "(((", "-", "\\", "x" * 500, "<b>"):
        result = gql(QUERY, {"slug": roles["workspace"].slug, "search": search})
        assert "errors" not in result, (search, result)
    assert _found(gql, roles, "a\u0000") == {}


def _page(gql, roles, search, page=1):
    return gql(PAGE, {"slug": roles["workspace"].slug, "search": search, "page": page})["data"]["workspace"]["assistantConversations"]


@pytest.mark.parametrize("few_messages", [1000, 1], ids=["from-the-index", "conversation-by-conversation"])
def test_a_word_in_many_messages_is_found_the_same_way_as_a_rare_one(gql, roles, monkeypatch, few_messages):
    # FEW_MESSAGES = 1: "cases" (in 5 messages) counts as a common word, looked for in the
    # conversations from the most recent; the results and passages must not change
    monkeypatch.setattr(search_module, "FEW_MESSAGES", few_messages)
    user, workspace = roles["editor"], roles["workspace"]
    _conversation(user, workspace, "Oldest", "How many cases in Bo?", "Bo had 120 cases.")
    _conversation(user, workspace, "Stock", "How much stock is left?", "Forty boxes.")
    _conversation(user, workspace, "Cases by district", "A question", "An answer")  # by its title
    _conversation(user, workspace, "Kenema", "Cases in Kenema?", "Kenema had 80 case reports.", "And 2023?", "No data.")
    _conversation(roles["viewer"], workspace, "Viewer's", "Cases?", "Many cases.")
    gql.login(user)
    first, second = _page(gql, roles, "cases"), _page(gql, roles, "cases", page=2)
    assert (first["totalItems"], first["totalPages"], first["moreMatches"]) == (3, 2, False)
    # the most recently active first; the latest matching message's passage, none for a title
    assert first["items"] == [
        {"title": "Kenema", "searchExcerpt": "Kenema had 80 case reports."},
        {"title": "Cases by district", "searchExcerpt": None},
    ]
    assert second["items"] == [{"title": "Oldest", "searchExcerpt": "Bo had 120 cases."}]
    # in messages only, no title near it
    assert _found(gql, roles, "had") == {"Kenema": "Kenema had 80 case reports.", "Oldest": "Bo had 120 cases."}


def test_a_search_lists_the_most_recent_matches_and_tells_there_are_more(gql, roles, monkeypatch):
    monkeypatch.setattr(search_module, "SEARCH_LIMIT", 3)
    user, workspace = roles["editor"], roles["workspace"]
    for n in range(5):
        _conversation(user, workspace, f"Malaria {n}", "A question on HMIS", "An answer")
    _conversation(user, workspace, "Stock", "How much stock is left?", "Forty boxes.")
    gql.login(user)
    page = _page(gql, roles, "hmis")
    assert (page["totalItems"], page["totalPages"], page["moreMatches"]) == (3, 2, True)
    assert [item["title"] for item in page["items"]] == ["Malaria 4", "Malaria 3"]
    assert [item["title"] for item in _page(gql, roles, "hmis", page=2)["items"]] == ["Malaria 2"]
    assert _page(gql, roles, "boxes")["moreMatches"] is False
    assert _page(gql, roles, None)["moreMatches"] is False  # no search: every conversation, by pages


@pytest.mark.parametrize("few_messages", [1000, 1], ids=["from-the-index", "conversation-by-conversation"])
def test_a_conversation_with_no_message_is_not_found_by_its_title(gql, roles, monkeypatch, few_messages):
    monkeypatch.setattr(search_module, "FEW_MESSAGES", few_messages)
    user, workspace = roles["editor"], roles["workspace"]
    Conversation.objects.create(user=user, workspace=workspace, title="Kenema, not asked yet", model="m")
    _conversation(user, workspace, "Kenema malaria trend", "A question", "An answer")
    _conversation(user, workspace, "Other", "Cases in Kenema?", "Kenema had 80.")  # two matching messages
    gql.login(user)
    assert _found(gql, roles, "Kenema") == {"Kenema malaria trend": None, "Other": "Kenema had 80."}


def test_the_list_and_a_search_are_two_statements_whatever_the_page_shows(roles):
    """A search is one statement, then the page's conversations with their passages; the list
    without search is its count and its page. Nothing is read again for each conversation
    shown (its workspace is the one already read)."""
    from types import SimpleNamespace

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hexa.assistant.graphql.types import resolve_workspace_conversations

    user, workspace = roles["editor"], roles["workspace"]
    for n in range(6):
        _conversation(user, workspace, f"Malaria {n}", "A question on HMIS", "An answer about the cases in Bo")
    info = SimpleNamespace(context={"request": SimpleNamespace(user=user)})
    # no search; a name as written; a title; a stemmed word (its passage by ts_headline)
    for search, excerpt in ((None, None), ("HMIS", "A question on HMIS"), ("Malaria", None), ("answering", "An answer about the cases in Bo")):
        with CaptureQueriesContext(connection) as queries:
            page = resolve_workspace_conversations(workspace, info, page=1, per_page=4, search=search)
            shown = [(c.title, c.workspace.slug, getattr(c, "search_excerpt", None)) for c in page["items"]]
        assert shown == [(f"Malaria {n}", workspace.slug, excerpt) for n in (5, 4, 3, 2)], search
        assert page["total_items"] == 6
        assert len(queries) == 2, (search, [q["sql"][:80] for q in queries.captured_queries])


def test_a_stemmed_match_in_a_long_answer_shows_a_short_unmarked_passage(gql, roles):
    words = " ".join(f"word{n}" for n in range(40))
    _conversation(roles["editor"], roles["workspace"], "Long", "A question", f"{words} the answers came late {words}")
    gql.login(roles["editor"])
    excerpt = _found(gql, roles, "answering")["Long"]  # "answers" by its stem only: ts_headline's passage
    assert "answers" in excerpt and "<b>" not in excerpt
    assert 12 <= len(excerpt.split()) <= 24
