"""A mutation's answer, errors as data: `success` is true exactly when there is no error code,
and the other fields (the object changed, or None) ride beside them."""


def payload(errors=(), **fields) -> dict:
    return {"success": not errors, "errors": list(errors), **fields}
