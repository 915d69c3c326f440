"""Cron schedules as the CronJob controller reads them: github.com/robfig/cron/v3 ParseStandard (parser.go,
spec.go), which kube-apiserver's validation and kube-controller-manager both call.

Five fields (minute hour day-of-month month day-of-week), each a comma list of `*`, `?`, `N`, `N-M`, with an
optional `/step` (`N/step` means N to the field's maximum); month and weekday names (jan, mon, any case); the
descriptors @yearly @annually @monthly @weekly @daily @midnight @hourly and `@every <duration>`. Errors are the
library's own words, which the API server quotes in `spec.schedule: Invalid value`.
"""
from __future__ import annotations

import calendar
import re
import time
from dataclasses import dataclass

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_abbr) if m}
DAYS = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
# (min, max, names) per field: parser.go's minutes, hours, dom, months, dow bounds
BOUNDS = ((0, 59, None), (0, 23, None), (1, 31, None), (1, 12, MONTHS), (0, 6, DAYS))
STAR = 1 << 63
DESCRIPTORS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
               "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}


class CronError(ValueError):
    pass


@dataclass(frozen=True)
class Schedule:
    fields: tuple[int, ...] = ()          # bit sets: minute, hour, dom, month, dow (STAR marks `*`)
    every: float = 0.0                    # @every: a constant delay

    def next(self, after: float) -> float:
        """The first activation strictly after `after` (Unix seconds, UTC: minikube's controller runs in UTC),
        as SpecSchedule.Next; a year with no match (Feb 30) gives 0."""
        if self.every:
            return float(int(after) + self.every)    # ConstantDelaySchedule.Next: whole seconds
        t = int(after) // 60 * 60 + 60
        limit = t + 5 * 366 * 86400
        minute, hour, dom, month, dow = self.fields
        while t < limit:
            tm = time.gmtime(t)
            if not month >> tm.tm_mon & 1:
                y, m = (tm.tm_year + 1, 1) if tm.tm_mon == 12 else (tm.tm_year, tm.tm_mon + 1)
                t = calendar.timegm((y, m, 1, 0, 0, 0))
                continue
            if not _day_matches(dom, dow, tm.tm_mday, (tm.tm_wday + 1) % 7):
                t = calendar.timegm((tm.tm_year, tm.tm_mon, tm.tm_mday, 0, 0, 0)) + 86400
                continue
            if not hour >> tm.tm_hour & 1:
                t = calendar.timegm((tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, 0, 0)) + 3600
                continue
            if not minute >> tm.tm_min & 1:
                t += 60
                continue
            return float(t)
        return 0.0


def _day_matches(dom: int, dow: int, mday: int, wday: int) -> bool:
    """spec.go dayMatches: when either field is `*`, both must match; else either may."""
    d, w = dom >> mday & 1 == 1, dow >> wday & 1 == 1
    return (d and w) if dom & STAR or dow & STAR else (d or w)


def _int(expr: str) -> int:
    if not re.fullmatch(r"[+-]?\d+", expr):
        raise CronError(f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax')
    num = int(expr)
    if num < 0:
        raise CronError(f"negative number ({num}) not allowed: {expr}")
    return num


def _int_or_name(expr: str, names: dict | None) -> int:
    if names and expr.lower() in names:
        return names[expr.lower()]
    return _int(expr)


def _range(expr: str, lo: int, hi: int, names: dict | None) -> int:
    """parser.go getRange."""
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    extra = 0
    if low_high[0] in ("*", "?"):
        start, end, extra = lo, hi, STAR
    else:
        start = _int_or_name(low_high[0], names)
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end = _int_or_name(low_high[1], names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _int(range_and_step[1])
        if len(low_high) == 1:
            end = hi
        if step > 1:
            extra = 0
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < lo:
        raise CronError(f"beginning of range ({start}) below minimum ({lo}): {expr}")
    if end > hi:
        raise CronError(f"end of range ({end}) above maximum ({hi}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")
    bits = 0
    for v in range(start, end + 1, step):
        bits |= 1 << v
    return bits | extra


_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNIT = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def _go_duration(text: str) -> float:
    """time.ParseDuration for the forms @every takes (`1h30m`, `90s`)."""
    if text == "0":
        return 0.0
    pos, total = 0, 0.0
    while pos < len(text):
        m = _DURATION.match(text, pos)
        if not m:
            raise CronError(f'failed to parse duration {text}: time: invalid duration "{text}"')
        total += float(m.group(1)) * _UNIT[m.group(2)]
        pos = m.end()
    if not text:
        raise CronError(f'failed to parse duration {text}: time: invalid duration ""')
    return total


def parse(spec: str) -> Schedule:
    """cron.ParseStandard; raises CronError with the library's message."""
    if not spec:
        raise CronError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        i, eq = spec.find(" "), spec.find("=")
        zone = spec[eq + 1:i] if i >= 0 else spec[eq + 1:]
        if zone not in ("UTC", "Local", "") and not re.fullmatch(r"[A-Za-z_]+/[A-Za-z_/+-]+", zone):
            raise CronError(f"provided bad location {zone}: unknown time zone {zone}")
        spec = spec[i:].strip() if i >= 0 else ""
    if spec.startswith("@"):
        if spec.startswith("@every "):
            delay = _go_duration(spec[len("@every "):])
            return Schedule(every=max(1.0, float(int(delay))))
        if spec not in DESCRIPTORS:
            raise CronError(f"unrecognized descriptor: {spec}")
        spec = DESCRIPTORS[spec]
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    bits = []
    for field, (lo, hi, names) in zip(fields, BOUNDS):
        value = 0
        for expr in field.split(","):
            value |= _range(expr, lo, hi, names)
        bits.append(value)
    return Schedule(tuple(bits))


def error(spec: str) -> str | None:
    try:
        parse(spec)
    except CronError as e:
        return str(e)
    return None
