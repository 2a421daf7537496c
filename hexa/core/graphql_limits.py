"""What one GraphQL request may ask for: size, depth, aliases, cost, mutations, introspection.

Every request is checked before anything runs, cheapest first, and stops at the first
check that fails, so that a hostile document costs milliseconds:

1. parsing, with graphql-core's own limits: at most GRAPHQL_MAX_TOKENS tokens (and a
   thousand comments); a document nested deeper than the parser's recursion gives up;
2. linear rules: no fragment cycles (graphql-core), nesting depth (GRAPHQL_MAX_DEPTH
   fields, introspection aside), aliases (GRAPHQL_MAX_ALIASES), the mutations that create
   or authenticate (a few per request, see MUTATION_LIMITS in config/schema.py),
   introspection (graphql-core's MaxIntrospectionDepthRule; refused to anonymous callers
   unless DEBUG, with Ariadne's IntrospectionDisabledRule);
3. cost (Ariadne's cost validator): every field costs 1, times the `perPage` of each
   paginated field at or above it (20 when not given, at most 100), at most GRAPHQL_MAX_COST;
4. the rules of the GraphQL specification (some of them are quadratic).

A refused request is answered like any other invalid document (HTTP 200, `errors`, no
`data`) with `extensions.code`: QUERY_TOO_COMPLEX, TOO_MANY_MUTATIONS or UNAUTHENTICATED.
"""

from collections import Counter

from ariadne.validation.introspection_disabled import IntrospectionDisabledRule
from ariadne.validation.query_cost import CostValidator, cost_analysis_message
from django.conf import settings
from graphql import GraphQLError, GraphQLObjectType, parse, specified_rules, validate
from graphql.language import (
    SKIP,
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
)
from graphql.utilities import TypeInfo
from graphql.validation import MaxIntrospectionDepthRule, NoFragmentCyclesRule, ValidationContext, ValidationRule
from graphql.validation.validate import ValidationAbortedError

from .pagination import MAX_PER_PAGE

QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
TOO_MANY_MUTATIONS = "TOO_MANY_MUTATIONS"
MAX_COMMENTS = 1000
# what a paginated field without `perPage` counts: the largest default page size (messages)
UNSPECIFIED_PAGE_SIZE = 20


def too_complex(message, nodes=None, **extensions) -> GraphQLError:
    return GraphQLError(message, nodes, extensions={"code": QUERY_TOO_COMPLEX, **extensions})


def parse_query(_context, data):
    """Ariadne's `query_parser`: graphql-core's parser with its limits. What it refuses for
    size or nesting ("… Parsing aborted.") is QUERY_TOO_COMPLEX; other syntax errors stay
    as they are."""
    try:
        return parse(data["query"], max_lexical_tokens=settings.GRAPHQL_MAX_TOKENS, max_comments=MAX_COMMENTS)
    except GraphQLError as error:
        if error.message.endswith("Parsing aborted."):
            raise too_complex(error.message.removeprefix("Syntax Error: ")) from None
        raise


class MaxDepthRule(ValidationRule):
    """Fields may be nested at most GRAPHQL_MAX_DEPTH deep, fragments included (graphql-core
    only limits the depth of introspection, whose fields are left to that rule here). Walks
    with a stack and visits a fragment once per depth, so fragment chains and cycles cost
    little and cannot exhaust the interpreter's recursion."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_):
        limit = settings.GRAPHQL_MAX_DEPTH
        entered = set()
        stack = [(iter(node.selection_set.selections), 0)]
        while stack:
            selections, depth = stack[-1]
            selection = next(selections, None)
            if selection is None:
                stack.pop()
            elif isinstance(selection, FieldNode):
                if selection.name.value.startswith("__"):
                    continue  # __typename, and introspection (MaxIntrospectionDepthRule)
                if depth + 1 > limit:
                    self.report_error(too_complex(f"The query nests fields more than {limit} deep.", [node]))
                    return SKIP
                if selection.selection_set:
                    stack.append((iter(selection.selection_set.selections), depth + 1))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((iter(selection.selection_set.selections), depth))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.context.get_fragment(selection.name.value)
                if fragment is not None and (selection.name.value, depth) not in entered:
                    entered.add((selection.name.value, depth))
                    stack.append((iter(fragment.selection_set.selections), depth))
        return SKIP


class MaxAliasesRule(ValidationRule):
    """At most GRAPHQL_MAX_ALIASES aliased fields in the document: aliases are how one
    request asks for the same expensive field (or mutation) many times."""

    def __init__(self, context):
        super().__init__(context)
        self.aliases = 0

    def enter_field(self, node: FieldNode, *_):
        if node.alias is not None:
            self.aliases += 1
            if self.aliases == settings.GRAPHQL_MAX_ALIASES + 1:
                self.report_error(too_complex(f"The query has more than {settings.GRAPHQL_MAX_ALIASES} aliases.", [node]))


def mutation_limits_rule(limits: dict[str, int], max_fields: int):
    """A rule that allows each mutation named in `limits` at most that many times per
    operation, and at most `max_fields` mutation fields in all. Aliases, fragments and inline
    fragments count; a fragment spread twice is counted once (its fields run once)."""

    class MutationLimitsRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_):
            if node.operation is not OperationType.MUTATION:
                return SKIP
            counts, spread = Counter(), set()
            pending = list(node.selection_set.selections)
            while pending:
                selection = pending.pop()
                if isinstance(selection, FieldNode):
                    counts[selection.name.value] += 1
                elif isinstance(selection, InlineFragmentNode):
                    pending.extend(selection.selection_set.selections)
                elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
                    spread.add(selection.name.value)
                    fragment = self.context.get_fragment(selection.name.value)
                    if fragment is not None:
                        pending.extend(fragment.selection_set.selections)
            for name, count in sorted(counts.items()):
                if name in limits and count > limits[name]:
                    self.report_error(self._error(f"At most {limits[name]} `{name}` per request ({count} asked).", node))
            if sum(counts.values()) > max_fields:
                self.report_error(self._error(f"At most {max_fields} mutations per request.", node))
            return SKIP

        @staticmethod
        def _error(message, node):
            return GraphQLError(message, [node], extensions={"code": TOO_MANY_MUTATIONS})

    return MutationLimitsRule


class AnonymousIntrospectionRule(IntrospectionDisabledRule):
    """Ariadne's rule (refuses `__schema` and `__type`; `__typename` is fine), answered with
    UNAUTHENTICATED and a hint: the explorer works once logged in."""

    def report_error(self, error: GraphQLError) -> None:
        super().report_error(
            GraphQLError(
                "Log in to explore the schema: introspection is refused to anonymous callers.",
                error.nodes,
                extensions={"code": "UNAUTHENTICATED"},
            )
        )


class _CostErrorsOnly:
    """The validation context as the cost validator sees it: arguments it cannot read (a
    variable missing, or of the wrong type) are left to execution, which reports them in
    its usual words; only the cost's own errors are reported here."""

    def __init__(self, context):
        self._context = context

    def __getattr__(self, name):
        return getattr(self._context, name)

    def report_error(self, error):
        if error.original_error is None:
            self._context.report_error(error)


class CostRule(CostValidator):
    """Ariadne's cost validator with a typed error; a paginated field without `perPage`
    counts a default page size, not 1, and one with more than the largest page counts the
    largest page (the field refuses more, with BAD_REQUEST, and returns nothing)."""

    def __init__(self, context, **kwargs):
        super().__init__(context, **kwargs)
        self.context = _CostErrorsOnly(context)

    def enter_operation_definition(self, node, *args):
        # the cost is computed from the operation node at once, so it is checked at once
        # (GraphQLLimits.cost_errors calls this for each operation, without a walk)
        super().enter_operation_definition(node, *args)
        self.leave_operation_definition(node, *args)
        return SKIP

    def leave_operation_definition(self, node, *args):
        if self.cost > self.maximum_cost and not getattr(self, "_reported", False):
            self._reported = True
            self.context.report_error(self.get_cost_exceeded_error())

    def get_multipliers_from_string(self, multipliers, field_args):
        values = [min(value, MAX_PER_PAGE) for value in super().get_multipliers_from_string(multipliers, field_args)]
        return values or ([UNSPECIFIED_PAGE_SIZE] if multipliers else [])

    def get_cost_exceeded_error(self) -> GraphQLError:
        return too_complex(
            cost_analysis_message(self.maximum_cost, self.cost) + ".",
            cost={"requestedQueryCost": self.cost, "maximumAvailable": self.maximum_cost},
        )


def cost_map_for(schema, pagination_argument="perPage") -> dict:
    """Every field of every object type costs 1; a paginated field (one with a `perPage`
    argument) multiplies what it holds by its page size."""
    cost_map = {}
    for type_name, graphql_type in schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or type_name.startswith("__"):
            continue
        cost_map[type_name] = {
            name: {"complexity": 1, **({"multipliers": [field.args[pagination_argument].out_name or pagination_argument]} if pagination_argument in field.args else {})}
            for name, field in graphql_type.fields.items()
        }
    return cost_map


def _typed(error: GraphQLError) -> GraphQLError:
    """graphql-core gives up on fragments nested past its recursion guard and after too many
    errors (ValidationAbortedError): that is a query too complex too."""
    if isinstance(error, ValidationAbortedError):
        return too_complex(error.message)
    return error


class GraphQLLimits:
    """The limits for one schema: `parse_query` and `validator(request, variables)` are
    given to Ariadne's `graphql_sync` (query_parser, query_validator)."""

    def __init__(self, schema, *, mutation_limits: dict[str, int], max_mutations: int):
        self.cost_map = cost_map_for(schema)
        self.mutation_limits = mutation_limits  # read at each request: tests may change it
        self.max_mutations = max_mutations
        mutation_type = schema.mutation_type
        unknown = set(mutation_limits) - set(mutation_type.fields if mutation_type else ())
        if unknown:
            raise ValueError(f"Per-request limits for mutations that do not exist: {sorted(unknown)}")

    parse_query = staticmethod(parse_query)

    def structure_rules(self, user) -> list:
        """The linear rules, checked in one walk of the document."""
        rules = [NoFragmentCyclesRule, MaxDepthRule, MaxAliasesRule, MaxIntrospectionDepthRule]
        rules.append(mutation_limits_rule(dict(self.mutation_limits), self.max_mutations))
        if not (settings.DEBUG or getattr(user, "is_authenticated", False)):
            rules.append(AnonymousIntrospectionRule)
        return rules

    def cost_errors(self, schema, document, variables) -> list[GraphQLError]:
        """Ariadne's cost validator, asked about each operation directly (it computes the
        cost from the operation node; a validation walk of the document would add nothing).
        Only after the structure rules: it follows fragments without a cycle check."""
        errors: list[GraphQLError] = []
        context = ValidationContext(schema, document, TypeInfo(schema), errors.append)
        rule = CostRule(context, maximum_cost=settings.GRAPHQL_MAX_COST, default_cost=1, variables=variables, cost_map=self.cost_map)
        try:
            for definition in document.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    rule.enter_operation_definition(definition, None, None, None, [])
        except RecursionError:
            errors.append(too_complex("The query nests fragments too deeply."))
        return errors

    def check(self, schema, document, user, variables, max_errors=None) -> list[GraphQLError]:
        """The limits alone: the structure rules, then the cost if they hold."""
        errors = validate(schema, document, self.structure_rules(user), max_errors=max_errors)
        return [_typed(error) for error in errors] or self.cost_errors(schema, document, variables)

    def validator(self, request, variables):
        """A `query_validator` for one request: the limits first, then the specification's
        rules (`rules`, as Ariadne passes them; some are quadratic) once the limits hold."""
        user = getattr(request, "user", None)

        def validate_within_limits(schema, document, rules=None, max_errors=None, **_):
            errors = self.check(schema, document, user, variables, max_errors)
            if errors:
                return errors
            return [_typed(error) for error in validate(schema, document, rules or specified_rules, max_errors=max_errors)]

        return validate_within_limits
