"""resource.Quantity: parsing (a decode error when malformed) and comparison, for container resources."""
from __future__ import annotations

import re
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal, InvalidOperation

# apimachinery's splitREString, with the number's run possessive (`++`): the suffix cannot start with a digit the
# run gave back (a digit there is only the exponent's, after which nothing but digits may follow, and those
# the run would have kept), so the answers are the pattern's, in linear time; a plain `+` backtracks one
# digit at a time through a long run of digits, quadratically (20,000 zeros and a "!": 1.4 s)
QUANTITY_RE = re.compile(r"^([+-]?[0-9.]++)([eEinumkKMGTP]*[-+]?[0-9]*)$")
PARSE_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
BINARY = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60}
DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1), "k": Decimal(1000),
           "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"), "P": Decimal("1e15"),
           "E": Decimal("1e18")}
WIDE = Context(Emax=MAX_EMAX, Emin=MIN_EMIN)   # an exponent's reach is an int32's (1e2147483647 parses)
HUGE = 1000          # past 10^1000, canonical() gives the text back rather than spell out the digits


def parse(value) -> Decimal | None:
    """The quantity's value, or None when resource.ParseQuantity would refuse it."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    if not isinstance(value, str):
        return None
    m = QUANTITY_RE.match(value)
    if not m:
        return None
    number, suffix = m.groups()
    try:
        base = Decimal(number)
    except InvalidOperation:
        return None
    if suffix in BINARY:
        return base * BINARY[suffix]
    if suffix in DECIMAL:
        return base * DECIMAL[suffix]
    em = re.fullmatch(r"[eE]([-+]?)([0-9]+)", suffix)
    if em:
        digits = em.group(2).lstrip("0") or "0"
        if len(digits) > 10 or int(digits) > 2 ** 31 - (em.group(1) != "-"):     # strconv.ParseInt(.., 10, 32)
            return None
        return base.scaleb(int(em.group(1) + digits), WIDE)
    return None


def text(value) -> str:
    return value if isinstance(value, str) else str(value)


def canonical(value) -> str:
    """Quantity.String(): the value in its format's canonical form (`0.5` -> `500m`, `1024Mi` -> `1Gi`)."""
    q = parse(value)
    raw = text(value)
    if q is None or (q and q.adjusted() > HUGE):      # 1e999999 or 100,000 digits: not spelt out
        return raw
    m = QUANTITY_RE.match(raw) if isinstance(value, str) else None
    suffix = m.group(2) if m else ""
    if suffix in BINARY and q == q.to_integral_value():
        n = int(q)
        if n == 0:
            return "0"
        for name, size in sorted(BINARY.items(), key=lambda kv: -kv[1]):
            if n % size == 0:
                return f"{n // size}{name}"
        return str(n)
    if suffix[:1] in ("e", "E"):
        for exp in range(18, -10, -3):
            mant = q / (Decimal(10) ** exp)
            if mant == mant.to_integral_value():
                return f"{int(mant)}e{exp}" if exp else str(int(mant))
    if q == 0:
        return "0"
    for exp, name in ((18, "E"), (15, "P"), (12, "T"), (9, "G"), (6, "M"), (3, "k"), (0, ""), (-3, "m"),
                      (-6, "u"), (-9, "n")):
        mant = q / (Decimal(10) ** exp)
        if mant == mant.to_integral_value():
            return f"{int(mant)}{name}"
    # finer than nano: Quantity rounds up to the nearest nano unit
    mant = (q / Decimal("1e-9")).to_integral_value(rounding="ROUND_CEILING")
    return f"{int(mant)}n"


def canonicalize_resources(obj: dict) -> None:
    """The API server stores container resources in canonical form, as strings."""
    from .schema import _pod_specs
    for spec in _pod_specs(obj):
        for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
            res = c.get("resources") if isinstance(c, dict) else None
            if not isinstance(res, dict):
                continue
            for section in ("limits", "requests"):
                values = res.get(section)
                if isinstance(values, dict):
                    for k, v in list(values.items()):
                        values[k] = canonical(v)
