"""The learner's filesystem (host.files / host.dirs) with Ubuntu's permissions, shared by the shell's
redirections and the file programs (cat, tee, cp, ...).

Errors are returned as the strerror text real tools print ("No such file or directory"), so each caller
formats its own message the way its real counterpart does.
"""
from __future__ import annotations

from ..host import HOME, MAX_FILE, MAX_FILES, Host

NOENT = "No such file or directory"
ISDIR = "Is a directory"
NOTDIR = "Not a directory"
ACCES = "Permission denied"
FBIG = "File too large"
NOSPC = "No space left on device"
NOTEMPTY = "Directory not empty"
EXIST = "File exists"

DEV_FILES = {"/dev/null", "/dev/zero", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/stdin"}
WRITABLE_ROOTS = (HOME, "/tmp")


def is_root(proc) -> bool:
    """`sudo` marks the Proc it starts; the shell's own redirections are never root."""
    return bool(getattr(proc, "as_root", False))


def parent(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


def basename(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1] or "/"


def is_dir(host: Host, path: str) -> bool:
    return path in host.dirs or path == "/dev"


def is_file(host: Host, path: str) -> bool:
    return path in host.files or path in DEV_FILES


def exists(host: Host, path: str) -> bool:
    return is_dir(host, path) or is_file(host, path)


def _path_error(host: Host, path: str) -> str | None:
    """Why `path`'s directory cannot be reached, or None: a missing or non-directory component."""
    cur = ""
    for part in path.strip("/").split("/")[:-1]:
        cur += "/" + part
        if cur in host.files:
            return NOTDIR
        if not is_dir(host, cur):
            return NOENT
    return None


def read(host: Host, path: str) -> tuple[str | None, str | None]:
    """(content, None) or (None, strerror)."""
    if path in ("/dev/null", "/dev/zero", "/dev/tty", "/dev/stdin"):
        return "", None
    if path in host.files:
        return host.files[path], None
    if is_dir(host, path):
        return None, ISDIR
    return None, _path_error(host, path) or NOENT


def writable(path: str, root: bool) -> bool:
    if root:
        return True
    return any(path == r or path.startswith(r + "/") for r in WRITABLE_ROOTS)


def check_write(host: Host, path: str, root: bool) -> str | None:
    """May `path` be opened for writing (created if missing)? None or the strerror."""
    if path in DEV_FILES:
        return None
    if is_dir(host, path):
        return ISDIR
    err = _path_error(host, path)
    if err:
        return err
    if not writable(path, root) or (path not in host.files and not writable(parent(path) + "/x", root)):
        return ACCES
    if path not in host.files and len(host.files) >= MAX_FILES:
        return NOSPC
    return None


def write(host: Host, path: str, content: str, append: bool, root: bool) -> str | None:
    """Write or append; None or the strerror. Past MAX_FILE the file keeps what fits (like a full disk)."""
    if path in DEV_FILES:
        return None
    err = check_write(host, path, root)
    if err:
        return err
    new = (host.files.get(path, "") + content) if append else content
    if len(new) > MAX_FILE:
        host.files[path] = new[:MAX_FILE]
        return FBIG
    host.files[path] = new
    return None


def listdir(host: Host, path: str) -> list[str]:
    prefix = path.rstrip("/") + "/"
    names = {p[len(prefix):].split("/", 1)[0] for p in list(host.files) + list(host.dirs)
             if p.startswith(prefix) and p != prefix and len(p) > len(prefix)}
    return sorted(names)


def mkdir(host: Host, path: str, root: bool) -> str | None:
    if exists(host, path):
        return EXIST
    err = _path_error(host, path)
    if err:
        return err
    if not writable(path, root):
        return ACCES
    if len(host.dirs) + len(host.files) >= MAX_FILES * 2:
        return NOSPC
    host.dirs.add(path)
    return None


def remove_file(host: Host, path: str, root: bool) -> str | None:
    if path in host.files:
        if not writable(path, root):
            return ACCES
        del host.files[path]
        return None
    if is_dir(host, path):
        return ISDIR
    return _path_error(host, path) or NOENT


def remove_tree(host: Host, path: str, root: bool) -> str | None:
    if not writable(path, root) or path in ("/", HOME):
        return ACCES
    prefix = path.rstrip("/") + "/"
    for p in [f for f in host.files if f.startswith(prefix)]:
        del host.files[p]
    for d in [d for d in host.dirs if d.startswith(prefix)]:
        host.dirs.discard(d)
    host.dirs.discard(path)
    host.files.pop(path, None)
    return None
