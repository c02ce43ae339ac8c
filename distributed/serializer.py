"""How requests are stored in the shared Redis queue: JSON, not pickle.

scrapy-redis pickles requests by default, so anyone who can write to Redis can run code in every worker. Here a
request's dict (`Request.to_dict`) is written as JSON, with two tags for what JSON lacks: ``{"$b": <base64>}`` for
bytes (headers, bodies) and ``{"$d": [[key, value], …]}`` for a dict whose keys are not all plain strings (header
names are bytes). Reading accepts nothing else; any other value is refused when the request is written, with the
path of the offending value, so a request that cannot be shared fails at once where it was made.
"""

from __future__ import annotations

import base64
import json
from typing import Any

BYTES, DICT = "$b", "$d"


def dumps(obj: dict[str, Any]) -> bytes:
    return json.dumps(_encode(obj, "request"), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes | str) -> dict[str, Any]:
    decoded = _decode(json.loads(data))
    if not isinstance(decoded, dict):
        raise ValueError(f"not a request: a JSON {type(decoded).__name__}")
    return decoded


def _encode(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray):
        return {BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, list | tuple):
        return [_encode(item, f"{path}[{n}]") for n, item in enumerate(value)]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in value):
            return {k: _encode(v, f"{path}.{k}") for k, v in value.items()}
        return {DICT: [[_encode(k, f"{path}<key>"), _encode(v, f"{path}[{k!r}]")] for k, v in value.items()]}
    raise TypeError(f"{path}: a {type(value).__name__} cannot be put in the shared queue "
                    f"(only JSON values, bytes and dicts of them)")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {BYTES}:
        return base64.b64decode(value[BYTES], validate=True)
    if set(value) == {DICT}:
        return {_freeze(_decode(k)): _decode(v) for k, v in value[DICT]}
    if any(k.startswith("$") for k in value):
        raise ValueError(f"unknown tag in a queued request: {sorted(value)}")
    return {k: _decode(v) for k, v in value.items()}


def _freeze(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key
