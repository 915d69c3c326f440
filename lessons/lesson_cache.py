"""The lessons this process has read, kept between commands.

Every command in a lesson's sandbox needs its lesson's spec (parsed JSON of up to tens of KB) twice over:
to assess the command and to draw the pane. The copy kept here is checked against the row's `updated`
stamp with one small query that decodes no JSON, so a lesson edited anywhere (the admin, `loadlessons`,
another worker) is read again on its next use.
"""
from __future__ import annotations

import threading

from django.db import connection

from .models import Lesson

_kept: dict[str, tuple[object, Lesson]] = {}       # slug -> (the row's stamp as the database gave it, lesson)
_lock = threading.Lock()
_STAMP_SQL = f'SELECT "updated" FROM "{Lesson._meta.db_table}" WHERE "slug" = %s'


def _stamp(slug: str):
    with connection.cursor() as cursor:            # raw: the ORM's query building costs more than the query
        cursor.execute(_STAMP_SQL, [slug])
        row = cursor.fetchone()
    return None if row is None else row[0]


def lookup(slug: str) -> Lesson | None:
    """The stored lesson `slug` (None when there is none), read again only when its row changed."""
    stamp = _stamp(slug)
    if stamp is None:
        return None
    with _lock:
        kept = _kept.get(slug)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    lesson = Lesson.objects.filter(slug=slug).first()
    # kept only when the row had the same stamp before and after the read: then it is that version's copy
    if lesson is not None and _stamp(slug) == stamp:
        with _lock:
            _kept[slug] = (stamp, lesson)
    return lesson


def forget() -> None:
    with _lock:
        _kept.clear()
