"""Where the real kubectl (the oracle for differential tests) lives, fetched on demand.

Order: $KUBECTL_ORACLE, .tools/kubectl (gitignored), /work/oracle-bin/kubectl, else
../shared/oracle/get-kubectl .tools (needs network). None when none can be had.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools"


def oracle_path() -> str | None:
    for cand in (os.environ.get("KUBECTL_ORACLE"), TOOLS / "kubectl", "/work/oracle-bin/kubectl"):
        if cand and Path(cand).is_file() and os.access(cand, os.X_OK):
            return str(cand)
    getter = ROOT.parent / "shared/oracle/get-kubectl"
    if getter.exists():
        try:
            subprocess.run([str(getter), str(TOOLS)], check=True, capture_output=True, timeout=300)
        except (subprocess.SubprocessError, OSError):
            return None
        if (TOOLS / "kubectl").exists():
            return str(TOOLS / "kubectl")
    return None
