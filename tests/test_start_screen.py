"""The start screen of a new conversation: what the assistant can reach and questions to begin with."""

from hexa.core.demo import _seed_bucket, _seed_database

QUERY = """query($slug: String!) { workspace(slug: $slug) { assistantStartScreen {
  tables { name kind rowEstimate } tableCount entries { name isDirectory } entryCount examples exampleQuestions { kind subject text } } } }"""


def test_a_member_sees_the_workspace_tables_files_and_questions_built_from_them(gql, roles):
    _seed_bucket(roles["workspace"])
    _seed_database(roles["workspace"])
    gql.login(roles["viewer"])
    screen = gql(QUERY, {"slug": roles["workspace"].slug})["data"]["workspace"]["assistantStartScreen"]
    names = [t["name"] for t in screen["tables"]]
    assert "malaria_cases" in names and screen["tableCount"] >= 4
    assert {"name": "data", "isDirectory": True} in screen["entries"] and screen["entryCount"] >= 2
    examples = screen["examples"]
    assert any(name in examples[0] for name in names)  # built from its own tables
    assert any(e.startswith("Summarise ") and e.endswith((".csv", ".xlsx", ".parquet")) for e in examples)
    assert "Which files are in the bucket?" in examples
    # the same questions by kind and subject, for the page to write in its reader's language
    kinds = [(q["kind"], q["subject"]) for q in screen["exampleQuestions"]]
    assert kinds[0][0] == "TABLE_CONTENTS" and kinds[0][1] in names
    assert kinds[0][1] in examples[0]
    assert [q["text"] for q in screen["exampleQuestions"]] == examples
    assert ("BUCKET_FILES", None) in kinds
    assert any(kind == "SUMMARISE_FILE" and subject.endswith((".csv", ".xlsx", ".parquet")) for kind, subject in kinds)


def test_an_empty_workspace_still_offers_a_question(gql, roles):
    gql.login(roles["editor"])
    screen = gql(QUERY, {"slug": roles["workspace"].slug})["data"]["workspace"]["assistantStartScreen"]
    assert screen["tables"] == [] and screen["entries"] == []
    assert screen["examples"] == ["What can you do in this workspace?"]
    assert screen["exampleQuestions"] == [{"kind": "CAPABILITIES", "subject": None, "text": "What can you do in this workspace?"}]


def test_outsiders_see_nothing(gql, roles):
    gql.login(roles["outsider"])
    assert gql(QUERY, {"slug": roles["workspace"].slug})["data"]["workspace"] is None
