"""A tool's arguments, declared once: a pydantic model per tool gives the JSON schema sent
to Claude, the check of the model's input (one wording for every tool) and the keyword
arguments of the executor method.

    class ReadFileArguments(Arguments):
        path: str = Field(description="File path relative to the bucket root.")
        start_line: PositiveInt | None = Field(None, description="First line to return (1-based).")

The check is the JSON types of the top-level arguments, required and unknown ones, and
integer bounds; validation is strict (no "1" for 1, no true for 1), as JSON is typed. What
lies inside an object or an array is the executor's to check, with its own messages (a
`files` entry, a chart spec, a choice): the schema may still describe it to Claude
(`json_schema_extra`), but it is not validated here, so that each refusal keeps one wording.
An argument given as null counts as not given (the executor's default applies).

Pydantic's own messages and tracebacks never reach the model: `invalid_input` turns a
ValidationError into the INVALID_INPUT error, worded from the schema the model was sent.
"""

from dataclasses import dataclass
from typing import Annotated, Any

from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import PydanticCustomError, core_schema

from ..errors import ToolErrorCode, error_result

__all__ = ["Arguments", "AtMostSetting", "Field", "JsonObject", "JsonArray", "PositiveInt", "invalid_input"]

# JSON's object and array, their content left to the executor (see above).
JsonObject = dict[str, Any]
JsonArray = list[Any]
PositiveInt = Annotated[int, Field(ge=1)]


class _ForClaude(GenerateJsonSchema):
    """The schema as Claude is sent it: no titles, no null branch for optional arguments
    (null means "not given"), no defaults (descriptions say them), and one `type` list for
    an argument of several simple types."""

    def field_title_should_be_set(self, schema) -> bool:
        return False

    def nullable_schema(self, schema):
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema):
        return self.generate_inner(schema["schema"])

    def union_schema(self, schema):
        choices = [self.generate_inner(choice) for choice in schema["choices"]]
        if all(set(choice) == {"type"} and isinstance(choice["type"], str) for choice in choices):
            return {"type": [choice["type"] for choice in choices]}
        return {"anyOf": choices}

    def dict_schema(self, schema):
        generated = super().dict_schema(schema)
        if generated.get("additionalProperties") is True:  # any JSON object: the default, no need to say it
            del generated["additionalProperties"]
        return generated

    def list_schema(self, schema):
        generated = super().list_schema(schema)
        if generated.get("items") == {}:
            del generated["items"]
        return generated

    def generate(self, schema, mode="validation"):
        generated = super().generate(schema, mode)
        generated.pop("title", None)
        return generated


# The settings some schema quotes: a schema is generated again when one of them changes.
_BOUND_SETTINGS: set[str] = set()


@dataclass(frozen=True)
class AtMostSetting:
    """An integer's upper bound read from a setting at each call, in the check and in the
    schema alike (settings may be changed while the server runs, e.g. in tests)."""

    setting: str

    def __post_init__(self):
        _BOUND_SETTINGS.add(self.setting)

    def bound(self) -> int:
        return int(getattr(settings, self.setting))

    def __get_pydantic_core_schema__(self, source, handler):
        def at_most(value):
            if value > self.bound():
                raise PydanticCustomError("less_than_equal", "at most {le}", {"le": self.bound()})
            return value

        return core_schema.no_info_after_validator_function(at_most, handler(source))

    def __get_pydantic_json_schema__(self, schema, handler):
        generated = handler(schema)
        generated["maximum"] = self.bound()
        return generated


class Arguments(BaseModel):
    """The base of every tool's arguments: strict JSON types, no unknown argument."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    @classmethod
    def input_schema(cls) -> dict:
        """The JSON schema sent to Claude, for the settings of the moment (bounds may quote
        them). Generating one takes about half a millisecond, and every model call sends
        them all: each is kept per value of those settings, and shared (not to be changed)."""
        key = (cls, *(getattr(settings, name) for name in sorted(_BOUND_SETTINGS)))
        if key not in _SCHEMAS:
            schema = cls.model_json_schema(schema_generator=_ForClaude)
            schema.setdefault("required", [])
            _SCHEMAS[key] = schema
        return _SCHEMAS[key]

    def given(self) -> dict:
        """The executor method's keyword arguments: those given, nulls left out."""
        return {name: getattr(self, name) for name in self.model_fields_set if getattr(self, name) is not None}


_SCHEMAS: dict[tuple, dict] = {}

_BOUNDS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}


def invalid_input(tool_name: str, arguments: type[Arguments], tool_input, error: ValidationError) -> dict:
    """The INVALID_INPUT error for a ValidationError, in the one wording of tool input errors.

    The first problem is told, in this order: not an object, unknown arguments, missing
    ones, then the first argument (in the input's order) of a wrong type or out of bounds."""
    problems = error.errors(include_url=False, include_context=False, include_input=False)
    if not isinstance(tool_input, dict) or any(not problem["loc"] for problem in problems):
        return _invalid("The tool input must be a JSON object.")
    unknown = sorted(str(p["loc"][0]) for p in problems if p["type"] == "extra_forbidden")
    if unknown:
        return _invalid(f"Unknown argument(s) for {tool_name}: {', '.join(unknown)[:200]}.")
    missing = [str(p["loc"][0]) for p in problems if p["type"] == "missing"]
    if missing:
        return _invalid(f"Missing argument(s) for {tool_name}: {', '.join(missing)}.")
    order = list(tool_input)
    key, kind = min(
        ((p["loc"][0], p["type"]) for p in problems),
        key=lambda found: order.index(found[0]) if found[0] in order else len(order),
    )
    properties = arguments.input_schema()["properties"]
    described = properties.get(key, {})
    if kind in _BOUNDS:
        low, high = described.get("minimum"), described.get("maximum")
        bounds = f"at least {low}" + (f" and at most {high}" if high is not None else "")
        return _invalid(f"Argument {key!r} of {tool_name} must be {bounds}.")
    expected = described.get("type", "value")
    expected = " or ".join(expected) if isinstance(expected, list) else expected
    return _invalid(f"Argument {key!r} of {tool_name} must be a {expected}.")


def _invalid(message: str) -> dict:
    return error_result(ToolErrorCode.INVALID_INPUT, message)
