"""A run's config checked against its version's parameters, as the SDK declares them, before
the run is queued (INVALID_CONFIG). The SDK checks again inside the run; this check lets a
caller learn at once, with no process started, that a value is missing or of the wrong type."""

import math

CONNECTION_TYPES = {"postgresql", "s3", "gcs", "dhis2", "iaso", "custom"}
TYPES = {"str", "int", "float", "bool", "dataset", "file", "secret"} | CONNECTION_TYPES
MAX_CONFIG_BYTES = 100_000


class InvalidConfig(ValueError):
    pass


def _check_value(parameter, value):
    kind = parameter.get("type")
    code = parameter["code"]
    if kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    else:  # strings, and the slugs of connections, datasets, files and secrets
        ok = isinstance(value, str)
    if not ok:
        raise InvalidConfig(f"{code}: expected a value of type {kind}")
    choices = parameter.get("choices")
    if choices and value not in choices:
        raise InvalidConfig(f"{code}: not one of the choices")


def validate_config(parameters: list[dict], config) -> dict:
    """The config with defaults filled in, or InvalidConfig saying which parameter is wrong."""
    if not isinstance(config, dict):
        raise InvalidConfig("the config must be a JSON object")
    known = {parameter["code"] for parameter in parameters}
    unknown = sorted(set(config) - known)
    if unknown:
        raise InvalidConfig(f"unknown parameter(s): {', '.join(unknown)[:200]}")
    validated = {}
    for parameter in parameters:
        code = parameter["code"]
        value = config.get(code, parameter.get("default"))
        if value is None or value == [] or value == "":
            if parameter.get("required", True) and parameter.get("type") != "bool":
                raise InvalidConfig(f"{code}: a value is required")
            validated[code] = value
            continue
        if parameter.get("multiple"):
            if not isinstance(value, list):
                raise InvalidConfig(f"{code}: expected a list")
            for item in value:
                _check_value(parameter, item)
        else:
            _check_value(parameter, value)
        validated[code] = value
    return validated


def validate_parameters(parameters) -> list[dict]:
    """Parameters given at upload: each with a code and a known type."""
    if not isinstance(parameters, list):
        raise InvalidConfig("parameters must be a list")
    codes = set()
    for parameter in parameters:
        if not isinstance(parameter, dict) or not isinstance(parameter.get("code"), str) or not parameter["code"]:
            raise InvalidConfig("each parameter needs a code")
        if parameter.get("type") not in TYPES:
            raise InvalidConfig(f"{parameter['code']}: unknown type {str(parameter.get('type'))[:40]!r}")
        if parameter["code"] in codes:
            raise InvalidConfig(f"{parameter['code']}: declared twice")
        codes.add(parameter["code"])
    return parameters
