"""resource.Quantity: parsing (a decode error when malformed) and comparison, for container resources."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

QUANTITY_RE = re.compile(r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")
PARSE_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
BINARY = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60}
DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1), "k": Decimal(1000),
           "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"), "P": Decimal("1e15"),
           "E": Decimal("1e18")}


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
    em = re.fullmatch(r"[eE]([-+]?[0-9]+)", suffix)
    if em:
        return base * (Decimal(10) ** int(em.group(1)))
    return None


def text(value) -> str:
    return value if isinstance(value, str) else str(value)


def canonical(value) -> str:
    """Quantity.String(): the value in its format's canonical form (`0.5` -> `500m`, `1024Mi` -> `1Gi`)."""
    q = parse(value)
    raw = text(value)
    if q is None:
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
