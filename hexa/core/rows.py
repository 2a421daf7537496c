"""Model instances from one plain SQL statement, as `select_related` makes them.

On the paths every send and every turn takes, the ORM spends several times longer building
a query than PostgreSQL takes to answer it (0.4-0.9 ms of CPU against about 0.1 ms). There,
a plain statement selects `columns(Model, alias)` of each model, and `instances` turns each
row back into the models, the same objects the ORM would have built (Model.from_db).
"""

from functools import cache

from django.db import connection


def columns(model, alias: str) -> str:
    """The SELECT list of every concrete column of `model`, from the table aliased `alias`."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _reading(model) -> tuple[list[str], list[tuple]]:
    """The attribute names of `model`'s columns, and each column's converters from the
    database's value (the ORM's own: JSON parsed, encrypted fields decrypted, ...)."""
    names, converters = [], []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        names.append(field.attname)
        converters.append((column, connection.ops.get_db_converters(column) + field.get_db_converters(connection)))
    return names, converters


def instances(row, *models) -> list:
    """The row of a statement selecting `columns(model, ...)` of each model in turn, as
    one instance of each."""
    built, start = [], 0
    for model in models:
        names, converters = _reading(model)
        values = list(row[start:start + len(names)])
        for position, (column, functions) in enumerate(converters):
            for convert in functions:
                values[position] = convert(values[position], column, connection)
        built.append(model.from_db(connection.alias, names, values))
        start += len(names)
    return built


def fetch_all_instances(sql: str, params, model) -> list:
    """Every row of `sql` (selecting `columns(model, ...)`) as an instance of `model`."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [instances(row, model)[0] for row in cursor.fetchall()]


def fetch_instances(sql: str, params, *models) -> list | None:
    """The first row of `sql` as instances of `models` (see `instances`), or None."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else instances(row, *models)


class CompiledQuery:
    """A queryset compiled to SQL by the ORM once, then run as a plain statement.

    The queryset is built with `marks` (values no row has) where the values of each call go;
    `first(*values)` runs the compiled SQL with each mark's parameters replaced by its value,
    and returns the first row as instances of `models`. So a rule (a `filter_for_user`) is
    declared once, in the ORM, and the hot path skips only the ORM's building of the query.
    The queryset must select each of `models`' concrete columns in turn (as `select_related`
    does, with no `only`/`defer`), and use every mark: both are checked here, not assumed."""

    def __init__(self, queryset, models: tuple, marks: tuple):
        compiler = queryset.query.get_compiler(using=queryset.db)
        self.sql, params = compiler.as_sql()
        selected = [expression.target for expression, _, _ in compiler.select]
        if selected != [field for model in models for field in model._meta.concrete_fields]:
            raise ValueError(f"the queryset does not select the columns of {models} in turn")
        self.params, self.models = list(params), models
        self.slots = [[position for position, param in enumerate(self.params) if param == mark] for mark in marks]
        if not all(self.slots):
            raise ValueError("a mark is missing from the compiled statement's parameters")

    def first(self, *values) -> list | None:
        params = list(self.params)
        for slots, value in zip(self.slots, values, strict=True):
            for position in slots:
                params[position] = value
        return fetch_instances(self.sql, params, *self.models)
