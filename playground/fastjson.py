"""A JSONField read and written with orjson.

Used for a sandbox's meta and its object rows (playground/store.py): each command writes the meta and
the rows it changed, and a cold load reads every row, where the standard library's json spends several
times longer than orjson (1.2 MB for a 200-pod cluster: ~40 ms against ~17 ms). Values
orjson refuses (integers past 64 bits from a learner's manifest) fall back to the standard library, so
nothing that json accepted is lost.
"""
from __future__ import annotations

import json
import re

import orjson
from django.db import models

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value) -> str:
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except TypeError:
        return json.dumps(value)


# A JSON-escaped NUL (`\u0000` preceded by an even run of backslashes, so not a learner's literal text).
_ESCAPED_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


def dumps_for_postgresql(value) -> str:
    """PostgreSQL's jsonb cannot hold U+0000 (a file written with printf '\\0'): store U+FFFD there.
    Done on the serialised text, so the common case costs one substring scan, not a second encoding."""
    text = dumps(value)
    if "\\u0000" in text:
        text = _ESCAPED_NUL.sub(r"\1\\ufffd", text)
    return text


def loads(text):
    return orjson.loads(text)


class FastJSONField(models.JSONField):
    def from_db_value(self, value, expression, connection):
        if not isinstance(value, (str, bytes)):
            return value
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return super().from_db_value(value, expression, connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if hasattr(value, "as_sql"):
            return value
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            return Jsonb(value, dumps=dumps_for_postgresql)
        return dumps(value)
