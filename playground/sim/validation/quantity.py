"""resource.Quantity: parsing (a decode error when malformed) and comparison, for container resources."""
from __future__ import annotations

import re
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal

PARSE_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
SUFFIX_ERROR = "unable to parse quantity's suffix"
DIGITS = frozenset("0123456789")
SUFFIX_LETTERS = frozenset("eEinumkKMGTP")


def _scan(s: str) -> tuple[bool, str, str, str] | None:
    """apimachinery's parseQuantityString, a linear scanner: (positive, numerator, denominator, suffix), or
    None for ErrFormatWrong. A lone sign or "." is zero, as there."""
    positive, pos, end = True, 0, len(s)
    if pos < end and s[0] in "+-":
        positive, pos = s[0] == "+", 1
    while pos < end and s[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "", ""
    i = pos
    while i < end and s[i] in DIGITS:
        i += 1
    num, pos = s[pos:i] or "0", i
    denom = ""
    if pos < end and s[pos] == ".":
        i = pos = pos + 1
        while i < end and s[i] in DIGITS:
            i += 1
        denom, pos = s[pos:i], i
    start = pos
    while pos < end and s[pos] in SUFFIX_LETTERS:
        pos += 1
    if pos < end and s[pos] in "+-":
        pos += 1
    while pos < end and s[pos] in DIGITS:
        pos += 1
    return (positive, num, denom, s[start:]) if pos >= end else None


def _suffix_ok(suffix: str) -> bool:
    """quantitySuffixer.interpret: SI, binary SI, or e/E and an exponent."""
    if suffix in DECIMAL or suffix in BINARY:
        return True
    em = re.fullmatch(r"[eE]([-+]?)([0-9]+)", suffix)
    if not em:
        return False
    digits = em.group(2).lstrip("0") or "0"
    return len(digits) <= 10 and int(digits) <= 2 ** 31 - (em.group(1) != "-")    # strconv.ParseInt(.., 10, 32)


def problem(value) -> str | None:
    """The decode error resource.ParseQuantity gives for value (None: it parses)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return PARSE_ERROR
    if not isinstance(value, str):
        return None
    if value == "":
        return PARSE_ERROR
    scanned = _scan(value)
    if scanned is None:
        return PARSE_ERROR
    return None if _suffix_ok(scanned[3]) else SUFFIX_ERROR
BINARY = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60}
DECIMAL = {"n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1), "k": Decimal(1000),
           "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"), "P": Decimal("1e15"),
           "E": Decimal("1e18")}
WIDE = Context(Emax=MAX_EMAX, Emin=MIN_EMIN)   # an exponent's reach is an int32's (1e2147483647 parses)
HUGE = 1000          # past 10^1000, canonical() gives the text back rather than spell out the digits


def parse(value) -> Decimal | None:
    """The quantity's value, or None when resource.ParseQuantity would refuse it (problem() says why)."""
    if problem(value):
        return None
    if not isinstance(value, str):
        return Decimal(str(value))
    positive, num, denom, suffix = _scan(value)
    base = Decimal(f"{num}.{denom}" if denom else num)
    base = base if positive else -base
    if suffix in BINARY:
        return base * BINARY[suffix]
    if suffix in DECIMAL:
        return base * DECIMAL[suffix]
    return base.scaleb(int(suffix[1:]), WIDE)


def text(value) -> str:
    return value if isinstance(value, str) else str(value)


def canonical(value) -> str:
    """Quantity.String(): the value in its format's canonical form (`0.5` -> `500m`, `1024Mi` -> `1Gi`)."""
    q = parse(value)
    raw = text(value)
    if q is None or (q and q.adjusted() > HUGE):      # 1e999999 or 100,000 digits: not spelt out
        return raw
    scanned = _scan(raw) if isinstance(value, str) else None
    suffix = scanned[3] if scanned else ""
    if scanned and _kept_as_written(scanned):
        return raw
    if suffix in BINARY and q == q.to_integral_value():
        n = int(q)
        if n == 0:
            return "0"
        for name, size in sorted(BINARY.items(), key=lambda kv: -kv[1]):
            if n % size == 0:
                return f"{n // size}{name}"
        return str(n)
    if suffix[:1] in ("e", "E") and len(suffix) > 1:
        if q == 0:
            return "0"
        nano = Decimal("1e-9")
        if q != 0 and q % nano:               # finer than nano: rounded up to it, as below
            q = (q / nano).to_integral_value(rounding="ROUND_CEILING") * nano
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


# The decimal exponent of each SI suffix; binary suffixes are powers of 2 (Ki = 2^10).
DECIMAL_EXP = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
BINARY_EXP = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}


def _kept_as_written(scanned: tuple[bool, str, str, str]) -> bool:
    """ParseQuantity's fast path keeps the string it was given when it is already canonical (`+7`, `1.G`,
    `300Mi`, `1e3` come back as written); the rest is re-spelt by canonical()."""
    _positive, num, denom, suffix = scanned
    if suffix in BINARY_EXP:
        exponent = BINARY_EXP[suffix]
        if denom or 15 - len(num) - int(exponent * 3 / 10) - 1 < 0:
            return False
        return exponent % 10 == 0 and int(num) & 0x07 != 0
    exponent = DECIMAL_EXP.get(suffix)
    if exponent is None:
        exponent = int(suffix[1:])
    shifted = num + denom
    scale = exponent - len(denom)
    if 18 - len(shifted) < 0 or scale < -9:
        return False
    return scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"


def pod_specs(obj: dict) -> list[dict]:
    """The pod specs in an object: a Pod's own, or a workload's template."""
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    if obj.get("kind") == "Pod":
        return [spec]
    template = spec.get("template") if isinstance(spec.get("template"), dict) else {}
    return [template["spec"]] if isinstance(template.get("spec"), dict) else []


def canonicalize_resources(obj: dict) -> None:
    """The API server stores container resources in canonical form, as strings."""
    for spec in pod_specs(obj):
        for c in (spec.get("initContainers") or []) + (spec.get("containers") or []):
            res = c.get("resources") if isinstance(c, dict) else None
            if not isinstance(res, dict):
                continue
            for section in ("limits", "requests"):
                values = res.get(section)
                if isinstance(values, dict):
                    for k, v in list(values.items()):
                        values[k] = canonical(v)
