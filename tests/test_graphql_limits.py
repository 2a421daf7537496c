"""What one GraphQL request may ask for (hexa/core/graphql_limits.py): tokens, depth,
aliases, cost, mutations per request, introspection; refused before anything runs, with a
typed error."""

import json
import re
import time
from pathlib import Path

import pytest
from graphql import get_introspection_query, parse, specified_rules, validate
from graphql.language import DocumentNode, OperationDefinitionNode

from config.schema import MUTATION_LIMITS, limits, schema
from hexa.assistant.models import Conversation
from hexa.core.graphql_limits import GraphQLLimits
from hexa.user_management.models import LoginFailure

FRONTEND = Path(__file__).resolve().parent.parent / "frontend" / "src"


def codes(result):
    return [error.get("extensions", {}).get("code") for error in result["errors"]]


def refused(result, code="QUERY_TOO_COMPLEX"):
    """Refused at validation: nothing ran (no `data`), every error typed with `code`."""
    assert "data" not in result, result
    assert set(codes(result)) == {code}, result
    return result["errors"]


def nested(depth: int) -> str:
    """assistantConversation → workspace → assistantConversations → items → workspace → …,
    `depth` fields deep, ending on a scalar (one conversation per page: it is the depth that
    is measured, not the cost)."""
    chain = ["workspace", "assistantConversations(perPage: 1)", "items"]
    fields = ['assistantConversation(id: "00000000-0000-0000-0000-000000000000")']
    while len(fields) < depth - 1:
        fields.append(chain[(len(fields) - 1) % 3])
    leaf = {"workspace": "slug", "assistantConversations": "totalItems", "items": "id"}[fields[-1].split("(")[0]]
    assert depth >= 3
    return "{ " + " { ".join(fields) + " { " + leaf + " }" * len(fields) + " }"


@pytest.fixture
def member(gql, roles):
    gql.login(roles["editor"])
    return roles


class TestDepth:
    def test_up_to_the_limit_passes_one_more_field_is_refused(self, gql, member, settings):
        assert settings.GRAPHQL_MAX_DEPTH == 10
        assert gql(nested(10)) == {"data": {"assistantConversation": None}}
        errors = refused(gql(nested(11)))
        assert errors[0]["message"] == "The query nests fields more than 10 deep."

    def test_the_setting_is_read_at_each_request(self, gql, member, settings):
        settings.GRAPHQL_MAX_DEPTH = 4
        refused(gql(nested(5)))
        assert gql(nested(4)) == {"data": {"assistantConversation": None}}

    def test_depth_through_fragments_and_inline_fragments_counts(self, gql, member):
        query = """
        { assistantConversation(id: "00000000-0000-0000-0000-000000000000") { ...A } }
        fragment A on AssistantConversation { workspace { ... on Workspace { assistantConversations { items { ...B } } } } }
        fragment B on AssistantConversation { workspace { assistantConversations { items { ...C } } } }
        fragment C on AssistantConversation { workspace { assistantConversations { items { id } } } }
        """
        refused(gql(query))  # 1 + 3 × 3 = 10 fields above `id`: 11 deep

    @staticmethod
    def chain(count):
        fragments = "\n".join(f"fragment F{n} on Query {{ ...F{n + 1} }}" for n in range(count))
        return "{ ...F0 }\n" + fragments + f"\nfragment F{count} on Query {{ ping }}"

    def test_a_fragment_chain_with_no_depth_passes(self, gql, member):
        assert gql(self.chain(50)) == {"data": {"ping": True}}

    def test_a_long_fragment_chain_is_refused_by_graphql_cores_guard_with_the_same_code(self, gql, member):
        """graphql-core stops validating fragments nested past its recursion guard (200)."""
        errors = refused(gql(self.chain(300)))
        assert errors[0]["message"] == "Validation aborted."

    def test_fragment_cycles_are_refused_not_followed(self, gql, member):
        query = """{ workspace(slug: "x") { ...A } }
        fragment A on Workspace { assistantConversations { items { workspace { ...B } } } }
        fragment B on Workspace { ...A }"""
        result = gql(query)
        assert "data" not in result
        assert "Cannot spread fragment 'A' within itself via 'B'." in [error["message"] for error in result["errors"]]

    def test_introspection_is_left_to_graphql_cores_own_rule(self, gql, member):
        """The introspection query nests `ofType` far deeper than 10 and passes; an
        introspection that nests lists (the known attack) is refused by graphql-core's
        MaxIntrospectionDepthRule."""
        result = gql(get_introspection_query(descriptions=True, input_value_deprecation=True))
        assert "errors" not in result and result["data"]["__schema"]["queryType"]["name"] == "Query"
        bomb = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"
        result = gql(bomb)
        assert "data" not in result and result["errors"][0]["message"] == "Maximum introspection depth exceeded"

    def test_a_depth_bomb_is_refused_by_the_parser_with_the_same_code(self, gql, member, settings):
        settings.GRAPHQL_MAX_TOKENS = 1_000_000  # so that nesting, not size, stops it
        query = "{ ping " + "{ ping " * 10_000 + "}" * 10_001
        started = time.perf_counter()
        errors = refused(gql(query))
        print(f"\ndepth bomb (10,000 levels) refused in {(time.perf_counter() - started) * 1000:.1f} ms")
        assert "nested too deeply" in errors[0]["message"]


class TestAliases:
    def test_up_to_the_limit_passes_one_more_is_refused(self, gql, settings):
        assert settings.GRAPHQL_MAX_ALIASES == 30
        result = gql("{ " + " ".join(f"a{n}: ping" for n in range(30)) + " }")
        assert result["data"] == {f"a{n}": True for n in range(30)}
        errors = refused(gql("{ " + " ".join(f"a{n}: ping" for n in range(31)) + " }"))
        assert errors[0]["message"] == "The query has more than 30 aliases."

    def test_aliases_in_fragments_count(self, gql):
        query = "{ ...F ...G } fragment F on Query { " + " ".join(f"f{n}: ping" for n in range(16)) + " } fragment G on Query { " + " ".join(f"g{n}: ping" for n in range(16)) + " }"
        refused(gql(query))

    def test_500_aliases_are_refused_before_the_quadratic_rules_run(self, gql):
        """graphql-core's OverlappingFieldsCanBeMergedRule compares every pair of fields;
        the limits are checked first, and alone. Timings are printed, not asserted."""
        pings = "{ " + " ".join(f"a{n}: ping" for n in range(500)) + " }"
        logins = "mutation { " + " ".join(f'a{n}: login(input: {{email: "u{n}@example.org", password: "p"}}) {{ success }}' for n in range(500)) + " }"
        for name, query, message in [
            ("500 aliased pings", pings, "The query has more than 30 aliases."),
            ("500 aliased logins", logins, "Document contains more than 3000 tokens. Parsing aborted."),
        ]:
            best = float("inf")
            for _ in range(3):
                started = time.perf_counter()
                result = gql(query)
                best = min(best, time.perf_counter() - started)
            print(f"\n{name} refused in {best * 1000:.1f} ms (best of 3, over HTTP)")
            assert [error["message"] for error in refused(result)] == [message]
        assert not LoginFailure.objects.exists()  # no login was attempted

    def test_over_the_token_limit_aliases_and_mutations_are_refused_together(self, gql, settings):
        settings.GRAPHQL_MAX_TOKENS = 100_000
        logins = "mutation { " + " ".join(f'a{n}: login(input: {{email: "u{n}@example.org", password: "p"}}) {{ success }}' for n in range(500)) + " }"
        result = gql(logins)
        assert "data" not in result
        assert sorted(codes(result)) == ["QUERY_TOO_COMPLEX", "TOO_MANY_MUTATIONS", "TOO_MANY_MUTATIONS"]  # not 500 × 499 / 2 conflicts
        assert not LoginFailure.objects.exists()


class TestSize:
    def test_documents_over_the_token_limit_are_refused(self, gql, settings):
        settings.GRAPHQL_MAX_TOKENS = 3000
        errors = refused(gql("{" + " ping" * 3000 + " }"))
        assert errors[0]["message"] == "Document contains more than 3000 tokens. Parsing aborted."
        assert gql("{" + " ping" * 100 + " }") == {"data": {"ping": True}}

    def test_comments_are_bounded_too(self, gql):
        refused(gql("#\n" * 1001 + "{ ping }"))

    def test_other_syntax_errors_keep_their_message_and_no_code(self, gql):
        result = gql("{ ping ")
        assert result["errors"][0]["message"].startswith("Syntax Error: Expected Name")
        assert "code" not in result["errors"][0].get("extensions", {})


class TestCost:
    QUERY = "query($a: Int, $b: Int) { workspaces(perPage: $a) { items { assistantConversations(perPage: $b) { items { id title cost } } } } }"

    def test_page_sizes_multiply_what_they_hold(self, gql, member):
        result = gql(self.QUERY, {"a": 100, "b": 100})
        errors = refused(result)
        # a paginated field and what it holds cost its page size each: workspaces, items
        # 100 each; assistantConversations, items, id, title, cost 100 × 100 each
        assert errors[0]["extensions"]["cost"] == {"requestedQueryCost": 2 * 100 + 5 * 100 * 100, "maximumAvailable": 10_000}
        assert "data" in gql(self.QUERY, {"a": 10, "b": 20})

    def test_literal_page_sizes_and_missing_ones_count(self, gql, member, settings):
        refused(gql("{ workspaces(perPage: 100) { items { assistantConversations(perPage: 100) { items { id } } } } }"))
        settings.GRAPHQL_MAX_COST = 500
        # no perPage: counted as 20 (the largest default page size), not 1
        errors = refused(gql("{ workspaces { items { assistantConversations { items { id title } } } } }"))
        assert errors[0]["extensions"]["cost"]["requestedQueryCost"] == 2 * 20 + 4 * 20 * 20

    def test_a_page_size_over_the_largest_page_counts_as_the_largest(self, gql, member):
        """The field itself refuses it (BAD_REQUEST) and returns nothing."""
        result = gql("{ workspaces(perPage: 1000000) { totalItems } }")
        assert [error["extensions"]["code"] for error in result["errors"]] == ["BAD_REQUEST"]
        errors = refused(gql("{ workspaces(perPage: 1000000) { items { assistantConversations(perPage: 1000000) { items { id } } } } }"))
        assert errors[0]["extensions"]["cost"]["requestedQueryCost"] == 2 * 100 + 3 * 100 * 100

    def test_fragments_are_costed_where_they_are_spread(self, gql, member, settings):
        settings.GRAPHQL_MAX_COST = 1000
        query = """{ a: workspaces(perPage: 100) { items { ...W } } b: workspaces(perPage: 100) { items { ...W } } }
        fragment W on Workspace { slug name description myRole }"""
        errors = refused(gql(query))
        assert errors[0]["extensions"]["cost"]["requestedQueryCost"] == 2 * (100 + 100 + 4 * 100)


def frontend_documents():
    """Every operation the page sends, with every fragment it declares (in .graphql files
    and in components' gql`` templates)."""
    texts = [path.read_text() for path in FRONTEND.rglob("*.graphql")]
    for path in FRONTEND.rglob("*.tsx"):
        if ".generated." in path.name or ".test." in path.name:
            continue
        for template in re.findall(r"gql`([^`]*)`", path.read_text()):
            texts.append(re.sub(r"\$\{[^}]*\}", "", template))
    document = parse("\n".join(texts))
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = [d for d in document.definitions if not isinstance(d, OperationDefinitionNode)]
    return operations, fragments


def test_every_operation_of_the_page_fits_the_limits_at_the_largest_page_size(settings):
    operations, fragments = frontend_documents()
    assert len(operations) >= 10
    logged_in = type("User", (), {"is_authenticated": True})()
    rules = [rule for rule in specified_rules if rule.__name__ != "NoUnusedFragmentsRule"]
    for operation in operations:
        document = DocumentNode(definitions=(operation, *fragments))
        variables = {"page": 1, "perPage": 100}
        assert limits.check(schema, document, logged_in, variables) == [], operation.name.value
        settings.GRAPHQL_MAX_COST = 5000  # half the budget: room for the page to grow
        assert limits.check(schema, document, logged_in, variables) == [], operation.name.value
        settings.GRAPHQL_MAX_COST = 10_000
        assert validate(schema, document, rules) == [], operation.name.value


def test_the_cost_is_checked_even_when_variables_are_missing_or_wrong():
    """Arguments the cost validator cannot read are left to execution (its usual errors);
    the page sizes it can read still count."""
    document = parse("query($p: Int, $id: UUID!) { a: workspaces(perPage: $p) { items { assistantConversations(perPage: 100) { items { id title } } } } assistantConversation(id: $id) { id } }")
    user = type("User", (), {"is_authenticated": True})()
    assert [error.extensions["code"] for error in limits.check(schema, document, user, {"p": 100})] == ["QUERY_TOO_COMPLEX"]
    assert limits.check(schema, document, user, {"p": "lots", "id": 3}) == []  # 20 × (2 + 100 × 3) fits


class TestMutationsPerRequest:
    def test_one_login_per_request_aliases_and_fragments_count(self, gql, make_user):
        user = make_user()
        login = '{alias}: login(input: {{email: "%s", password: "correct horse battery"}}) {{ success }}' % user.email
        two = "mutation { " + login.format(alias="a") + " " + login.format(alias="b") + " }"
        errors = refused(gql(two), "TOO_MANY_MUTATIONS")
        assert errors[0]["message"] == "At most 1 `login` per request (2 asked)."
        spread = "mutation { ...L ... on Mutation { " + login.format(alias="c") + " } } fragment L on Mutation { " + login.format(alias="a") + " }"
        refused(gql(spread), "TOO_MANY_MUTATIONS")
        assert gql("{ me { user { id } } }")["data"]["me"]["user"] is None  # not logged in
        assert not LoginFailure.objects.exists()  # and not even tried
        assert gql("mutation { " + login.format(alias="only") + " }")["data"] == {"only": {"success": True}}

    def test_a_fragment_spread_twice_runs_once_and_counts_once(self, gql, make_user):
        user = make_user()
        query = 'mutation { ...L ...L } fragment L on Mutation { login(input: {email: "%s", password: "correct horse battery"}) { success } }' % user.email
        assert gql(query)["data"] == {"login": {"success": True}}

    def test_creates_are_limited_and_nothing_is_created_over_the_limit(self, gql, member):
        slug = member["workspace"].slug
        create = '{alias}: createAssistantConversation(input: {{workspaceSlug: "%s"}}) {{ success }}' % slug
        refused(gql("mutation { " + " ".join(create.format(alias=f"c{n}") for n in range(4)) + " }"), "TOO_MANY_MUTATIONS")
        assert not Conversation.objects.exists()
        result = gql("mutation { " + " ".join(create.format(alias=f"c{n}") for n in range(3)) + " }")
        assert result["data"] == {f"c{n}": {"success": True} for n in range(3)}
        # the three run; an empty conversation is opened again rather than made anew
        assert Conversation.objects.count() == 1

    @pytest.mark.parametrize(
        "field,limit",
        [("sendAssistantMessage", 1), ("setAssistantWorkspaceBudget", 1), ("approveAssistantToolExecution", 5), ("rejectAssistantToolExecution", 5)],
    )
    def test_other_limited_mutations(self, gql, member, field, limit):
        arguments = {
            "sendAssistantMessage": '(input: {conversationId: "00000000-0000-0000-0000-000000000000", message: "hi"})',
            "setAssistantWorkspaceBudget": '(input: {workspaceSlug: "x", monthlyLimitUsd: "1"})',
            "approveAssistantToolExecution": '(id: "00000000-0000-0000-0000-000000000000")',
            "rejectAssistantToolExecution": '(id: "00000000-0000-0000-0000-000000000000")',
        }[field]
        fields = lambda n: " ".join(f"m{i}: {field}{arguments} {{ success errors }}" for i in range(n))  # noqa: E731
        assert MUTATION_LIMITS[field] == limit
        refused(gql(f"mutation {{ {fields(limit + 1)} }}"), "TOO_MANY_MUTATIONS")
        assert gql(f"mutation {{ {fields(limit)} }}")["data"]["m0"]["success"] is False  # ran: NOT_FOUND and the like

    def test_at_most_ten_mutations_in_all(self, gql):
        refused(gql("mutation { " + " ".join(f"l{n}: logout {{ success }}" for n in range(11)) + " }"), "TOO_MANY_MUTATIONS")
        assert len(gql("mutation { " + " ".join(f"l{n}: logout {{ success }}" for n in range(10)) + " }")["data"]) == 10

    def test_queries_are_not_counted_as_mutations(self, gql):
        assert gql("{ " + " ".join(f"a{n}: ping" for n in range(20)) + " }")["data"]["a19"] is True

    def test_limits_must_name_real_mutations(self):
        with pytest.raises(ValueError, match="loginn"):
            GraphQLLimits(schema, mutation_limits={"loginn": 1}, max_mutations=10)


class TestIntrospection:
    QUERIES = ["{ __schema { types { name } } }", '{ __type(name: "User") { name fields { name } } }', "{ ping __schema { queryType { name } } }"]

    @pytest.mark.parametrize("query", QUERIES)
    def test_refused_to_anonymous_callers(self, gql, query):
        errors = refused(gql(query), "UNAUTHENTICATED")
        assert errors[0]["message"].startswith("Log in to explore the schema")

    def test_typename_is_not_introspection(self, gql):
        assert gql("{ __typename ping me { __typename user { id } } }") == {
            "data": {"__typename": "Query", "ping": True, "me": {"__typename": "Me", "user": None}}
        }

    @pytest.mark.parametrize("query", QUERIES)
    def test_allowed_once_logged_in(self, gql, make_user, query):
        gql.login(make_user())
        assert "errors" not in gql(query)

    def test_allowed_to_anyone_in_debug(self, gql, settings):
        settings.DEBUG = True
        assert gql(self.QUERIES[0])["data"]["__schema"]["types"]

    def test_the_explorer_loads_the_schema_for_a_logged_in_user(self, client, gql, make_user):
        """What GraphiQL (3.8) sends when the page at GET /graphql/ opens."""
        page = client.get("/graphql/")
        assert page.status_code == 200 and "then reload this page" in page.content.decode()
        query = get_introspection_query(descriptions=True, schema_description=True, input_value_deprecation=True)
        assert refused(gql(query), "UNAUTHENTICATED")
        gql.login(make_user())
        result = gql(query)
        assert "errors" not in result
        assert "login" in {field["name"] for field in next(t for t in result["data"]["__schema"]["types"] if t["name"] == "Mutation")["fields"]}


def test_refusals_are_http_200_with_json_errors_like_other_invalid_documents(client, transactional_db):
    body = json.dumps({"query": "{ " + " ".join(f"a{n}: ping" for n in range(31)) + " }"})
    response = client.post("/graphql/", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX"}
