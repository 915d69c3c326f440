"""Real bash + GNU coreutils as the oracle for pure-text cases (tests only; the engine never runs anything)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile

from playground.sim.engine import Engine
from playground.sim.host import HOME

BASH = shutil.which("bash")


def real(script: str, files: dict[str, str] | None = None) -> tuple[str, int]:
    """Run `script` in real bash in a scratch directory holding `files`; stdout and stderr interleaved."""
    with tempfile.TemporaryDirectory() as d:
        for name, content in (files or {}).items():
            path = os.path.join(d, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as fh:
                fh.write(content)
        env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "HOME": d, "USER": "student"}
        if os.environ.get("ORACLE_EN_US_LOCPATH"):    # a generated en_US.UTF-8 locale, to check locale effects
            env.update(LC_ALL="en_US.UTF-8", LOCPATH=os.environ["ORACLE_EN_US_LOCPATH"])
        proc = subprocess.run([BASH, "--norc", "--noprofile", "-c", script], cwd=d, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
        # bash -c names itself by path and line; the learner's interactive bash says just "bash: "
        out = re.sub(r"^(?:(?:/usr)?/bin/)?bash: (?:-c: )?(?:line \d+: )?", "bash: ", proc.stdout.decode(), flags=re.M)
        return out, proc.returncode


def sim(script: str, files: dict[str, str] | None = None, engine: Engine | None = None) -> tuple[str, int]:
    engine = engine or Engine.new(seed=3, now=1_800_000_000)
    for name, content in (files or {}).items():
        path = f"{HOME}/{name}"
        parts = path.split("/")
        for k in range(2, len(parts)):
            engine.host.dirs.add("/".join(parts[:k]))
        engine.host.files[path] = content
    result = engine.run(script)
    return result.output, result.exit_code
