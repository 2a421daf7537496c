"""Searching one's conversations by what was said in them: full-text (English and French
stemming), names as written, titles by trigrams; the matching passage comes with each."""

from hexa.assistant.models import Conversation, Message

QUERY = """query($slug: String!, $search: String) { workspace(slug: $slug) {
  assistantConversations(search: $search) { totalItems items { title searchExcerpt } } } }"""


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
    assert set(_found(gql, roles, "hôpital")) == {"Paludisme"}  # French stemming: "hôpitaux"
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


def test_search_sees_only_ones_own_conversations_in_that_workspace(gql, roles):
    _conversation(roles["viewer"], roles["workspace"], "Viewer's", "HMIS question", "HMIS answer")
    _conversation(roles["editor"], roles["workspace"], "Editor's", "HMIS question", "HMIS answer")
    gql.login(roles["editor"])
    assert set(_found(gql, roles, "hmis")) == {"Editor's"}
    gql.login(roles["outsider"])
    assert gql(QUERY, {"slug": roles["workspace"].slug, "search": "hmis"})["data"]["workspace"] is None


def test_hostile_searches_find_nothing_and_break_nothing(gql, roles):
    _conversation(roles["editor"], roles["workspace"], "Normal", "A question", "An answer")
    gql.login(roles["editor"])
    for search in ("%", "_", "'", '"', "!!", "a & | b", "(((", "-", "\\", "x" * 500, "<b>"):
        result = gql(QUERY, {"slug": roles["workspace"].slug, "search": search})
        assert "errors" not in result, (search, result)
    assert _found(gql, roles, "a\u0000") == {}
