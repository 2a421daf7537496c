"""Which aggregate queries show their rows to the model under a workspace's data policy.

    checked_columns(query, dialect) -> (positions…) or None

One reading for both query languages ("postgres" for the database, "duckdb" for bucket
files), by sqlglot, which parses either without an engine. None means "not an allowed
aggregate" (its rows are withheld), and so does anything this cannot read: it fails closed.
Otherwise the result columns whose value must be at least ASSISTANT_MIN_GROUP_SIZE on a row
for that row to be shown: the group's count(*), and count(x) for every sum(x) or avg(x).

An allowed aggregate is one SELECT over one plain table or view, such that

- each group shown is a whole group of the table: GROUP BY names plain columns, and WHERE
  tests only those columns (with constants, comparisons, AND/OR/NOT, IN lists, BETWEEN,
  LIKE, IS, arithmetic and casts; no function, no subquery), so it keeps or drops whole
  groups and cannot choose rows one by one to pad a group (`WHERE id = 2 OR score IS NULL`);
- each value shown is a group key, count(*), count(x), count(DISTINCT x), or sum(x)/avg(x)
  of a plain column beside count(x), the number of rows that make it (NULLs do not count:
  a group of 5 rows with 4 NULL scores has one row's exact score as its sum);
- nothing else picks rows out of a group or groups by an unseen value: no join, subquery,
  function, TABLESAMPLE or CTE in FROM (they can repeat a row), no FILTER, ORDER BY inside an
  aggregate, DISTINCT inside sum/avg, window, GROUPING SETS/ROLLUP/CUBE or DISTINCT ON;
  HAVING tests group keys and counts only, ORDER BY orders by group keys or result columns,
  LIMIT and OFFSET are numbers.

The text must be plain, so that sqlglot and the engine cannot read it differently: outside
quoted strings and names, ASCII letters, digits, blanks and operators only, and no comment,
backslash, `$`, `&` or `#` anywhere (E'…' escapes, dollar quoting, U&"…" names and nested
comments are where parsers disagree).
"""

import functools
import logging
import re

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

# sqlglot says it at warning level when it falls back to a bare Command: not allowed anyway
logging.getLogger("sqlglot").setLevel(logging.ERROR)

_OUTSIDE_QUOTES = re.compile(r"[A-Za-z0-9_ \t\n,.()*+\-/<>=!:;%|~]*")
_SELECT_PARTS = {"expressions", "from_", "where", "group", "having", "order", "limit", "offset", "distinct"}
_TABLE_PARTS = {"this", "db", "catalog", "alias", "only"}
# what WHERE may hold besides group columns: values, comparisons, logic, arithmetic, casts
_ROW_FREE = (
    exp.Literal, exp.Boolean, exp.Null, exp.Paren, exp.And, exp.Or, exp.Not, exp.EQ, exp.NEQ, exp.GT, exp.GTE,
    exp.LT, exp.LTE, exp.Is, exp.In, exp.Between, exp.Like, exp.ILike, exp.Neg, exp.Add, exp.Sub, exp.Mul,
    exp.Div, exp.Mod, exp.Cast, exp.DataType, exp.DataTypeParam, exp.Tuple, exp.Identifier,
)
_AGGREGATES = {exp.Count: "count", exp.Sum: "sum", exp.Avg: "avg"}


def plain_text(query: str) -> bool:
    """The query's text has nothing that two SQL parsers may read differently (module docstring)."""
    if any(mark in query for mark in ("\\", "$", "--", "/*")):
        return False
    position = 0
    while position < len(query):
        outside = _OUTSIDE_QUOTES.match(query, position).end()
        if outside == len(query):
            return True
        quote = query[outside]
        if quote not in "'\"":
            return False
        end = outside + 1
        while True:  # a quote inside is written twice
            end = query.find(quote, end)
            if end < 0:
                return False
            if query[end + 1 : end + 2] != quote:
                break
            end += 2
        position = end + 1
    return True


@functools.lru_cache(maxsize=1024)  # a conversation's earlier results are read again at every turn
def checked_columns(query: str, dialect: str) -> tuple[int, ...] | None:
    if not isinstance(query, str) or not plain_text(query):
        return None
    try:
        trees = [tree for tree in sqlglot.parse(query, read=dialect) if tree is not None]
    except Exception:  # sqlglot's errors have no common base but Exception
        return None
    if len(trees) != 1 or not isinstance(trees[0], exp.Select):
        return None
    try:
        return _Reading(normalize_identifiers(trees[0], dialect=dialect), dialect).checked()
    except (_NotAllowed, RecursionError):  # RecursionError: nested deeper than this reads
        return None


class _NotAllowed(Exception):
    pass


def _refuse():
    raise _NotAllowed


def _given(value) -> bool:
    return value not in (None, False, [], "")


class _Reading:
    def __init__(self, select: exp.Select, dialect: str):
        self.select, self.dialect = select, dialect

    def checked(self) -> tuple[int, ...]:
        select = self.select
        if any(_given(value) and key not in _SELECT_PARTS for key, value in select.args.items()):
            _refuse()  # joins, laterals, WITH, QUALIFY, windows, INTO, locks…
        distinct = select.args.get("distinct")
        if distinct is not None and _given(distinct.args.get("on")):
            _refuse()
        self.table = self._table()
        self.groups = self._groups()
        aliases, counts, totals, aggregates = set(), {}, [], []
        count_star = None
        for position, item in enumerate(select.expressions):
            if isinstance(item, exp.Alias):
                aliases.add(item.alias)
                item = item.this
            if isinstance(item, exp.Column):
                if self._column(item) not in self.groups:
                    _refuse()
                continue
            kind, column = self._aggregate(item)
            aggregates.append(item)
            if kind == "count(*)":
                count_star = position if count_star is None else count_star
            elif kind == "count":
                counts.setdefault(column, position)
            elif kind in ("sum", "avg"):
                totals.append(column)
        if count_star is None or any(column not in counts for column in totals):
            _refuse()
        self._where()
        self._having()
        self._order(aliases, aggregates)
        for part in ("limit", "offset"):
            node = select.args.get(part)
            if node is not None and (
                set(k for k, v in node.args.items() if _given(v)) != {"expression"}
                or not isinstance(node.expression, exp.Literal)
                or node.expression.is_string
            ):
                _refuse()
        return (count_star, *sorted({counts[column] for column in totals}))

    def _table(self) -> str:
        source = self.select.args.get("from_")
        table = source.this if source is not None else None
        if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Identifier):
            _refuse()  # a subquery, a function (generate_series, read_csv…), VALUES, no FROM
        if any(_given(value) and key not in _TABLE_PARTS for key, value in table.args.items()):
            _refuse()  # TABLESAMPLE, pivots, time travel…
        alias = table.args.get("alias")
        if alias is not None and _given(alias.args.get("columns")):
            _refuse()
        return alias.name if alias is not None else table.name

    def _column(self, node) -> str:
        """The name of a plain column of the table (its qualifier, if any, is the table)."""
        if not isinstance(node, exp.Column) or not isinstance(node.this, exp.Identifier):
            _refuse()  # t.*, a struct field of a column (DuckDB reads s.id so when s is not the table)
        if node.args.get("db") or node.args.get("catalog") or (node.table and node.table != self.table):
            _refuse()
        if not node.name.isascii():
            _refuse()  # case folding beyond ASCII differs between engines and sqlglot
        return node.name

    def _groups(self) -> set[str]:
        group = self.select.args.get("group")
        if group is None:
            return set()
        if any(_given(value) and key != "expressions" for key, value in group.args.items()):
            _refuse()  # GROUP BY ALL, ROLLUP, CUBE, GROUPING SETS
        return {self._column(node) for node in group.expressions}

    def _aggregate(self, node) -> tuple[str, str | None]:
        """("count(*)", None), ("count" | "sum" | "avg", column), or refused."""
        if isinstance(node, exp.Dot) and self.dialect == "postgres":
            # pg_catalog.count(*): sqlglot reads a qualified function as a name and a call
            if not (isinstance(node.this, exp.Identifier) and node.this.name == "pg_catalog"):
                _refuse()
            call = node.expression
            name = call.name.lower() if isinstance(call, exp.Anonymous) else None
            if name not in _AGGREGATES.values() or len(call.expressions) != 1:
                _refuse()
            argument = call.expressions[0]
            if isinstance(argument, exp.Star):
                return ("count(*)", None) if name == "count" else _refuse()
            return name, self._column(argument)
        kind = _AGGREGATES.get(type(node))
        if kind is None or any(_given(v) and k not in ("this", "big_int") for k, v in node.args.items()):
            _refuse()  # any other function, FILTER, OVER, several arguments
        argument = node.this
        if kind == "count" and (argument is None or isinstance(argument, exp.Star)):
            return "count(*)", None  # DuckDB's count() is count(*)
        if kind == "count" and isinstance(argument, exp.Distinct):
            if _given(argument.args.get("on")) or len(argument.expressions) != 1:
                _refuse()
            self._column(argument.expressions[0])
            return "count distinct", None  # a count of values, not a total of them
        return kind, self._column(argument)

    def _only(self, node, allowed, counts_allowed: bool = False):
        """`node` holds group columns and `allowed` nodes only (and counts, in HAVING)."""
        if isinstance(node, exp.Column):
            if self._column(node) not in self.groups:
                _refuse()
            return
        if counts_allowed and isinstance(node, (exp.Count, exp.Dot)):
            if self._aggregate(node)[0] not in ("count(*)", "count", "count distinct"):
                _refuse()
            return
        if not isinstance(node, allowed):
            _refuse()
        if isinstance(node, exp.In) and any(_given(node.args.get(k)) for k in ("query", "unnest", "field")):
            _refuse()
        for child in node.iter_expressions():
            self._only(child, allowed, counts_allowed)

    def _where(self):
        where = self.select.args.get("where")
        if where is not None:
            self._only(where.this, _ROW_FREE)

    def _having(self):
        having = self.select.args.get("having")
        if having is not None:
            self._only(having.this, _ROW_FREE, counts_allowed=True)

    def _order(self, aliases, aggregates):
        order = self.select.args.get("order")
        if order is None:
            return
        for item in order.expressions:
            if not isinstance(item, exp.Ordered) or _given(item.args.get("with_fill")):
                _refuse()
            key = item.this
            if isinstance(key, exp.Literal) and not key.is_string:
                continue  # a result column's position
            if isinstance(key, exp.Column) and not key.table and key.name in aliases:
                continue
            if isinstance(key, exp.Column):
                if self._column(key) not in self.groups:
                    _refuse()
                continue
            if not any(key == aggregate for aggregate in aggregates):
                _refuse()  # an aggregate that is not shown would rank the groups by unseen values
