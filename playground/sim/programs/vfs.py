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

# Read-only files of a stock Ubuntu 24.04 host; writing one (as root) shadows it in host.files.
SYSTEM_FILES = {
    "/etc/os-release": 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\n'
                       'VERSION="24.04.1 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n'
                       'HOME_URL="https://www.ubuntu.com/"\nSUPPORT_URL="https://help.ubuntu.com/"\n'
                       'BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"\n'
                       'PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"\n'
                       'UBUNTU_CODENAME=noble\nLOGO=ubuntu-logo\n',
    "/etc/lsb-release": "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=24.04\nDISTRIB_CODENAME=noble\n"
                        'DISTRIB_DESCRIPTION="Ubuntu 24.04.1 LTS"\n',
    "/etc/hostname": "ubuntu\n",
    "/etc/resolv.conf": "# This is /run/systemd/resolve/stub-resolv.conf managed by man:systemd-resolved(8).\n"
                        "# Do not edit.\n#\n"
                        "# This file might be symlinked as /etc/resolv.conf. If you're looking at\n"
                        "# /etc/resolv.conf and seeing this text, you have followed the symlink.\n#\n"
                        "# This is a dynamic resolv.conf file for connecting local clients to the\n"
                        "# internal DNS stub resolver of systemd-resolved. This file lists all\n"
                        "# configured search domains.\n#\n"
                        "# Run \"resolvectl status\" to see details about the uplink DNS servers\n"
                        "# currently in use.\n#\n"
                        "# Third party programs should typically not access this file directly, but only\n"
                        "# through the symlink at /etc/resolv.conf. To manage man:resolv.conf(5) in a\n"
                        "# different way, replace this symlink by a static file or a different symlink.\n#\n"
                        "# See man:systemd-resolved.service(8) for details about the supported modes of\n"
                        "# operation for /etc/resolv.conf.\n\n"
                        "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n",
    "/etc/passwd": "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                   "bin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\n"
                   "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
                   "student:x:1000:1000:student:/home/student:/bin/bash\n",
    "/etc/shells": "# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n"
                   "/bin/rbash\n/usr/bin/rbash\n/usr/bin/dash\n",
}

# The rest of a stock Ubuntu tree, so `ls /` and `cd /usr` behave; their contents are not modelled.
SYSTEM_DIRS = {"/bin", "/boot", "/dev", "/lib", "/lib64", "/media", "/mnt", "/opt", "/proc", "/root", "/run",
               "/sbin", "/snap", "/srv", "/sys", "/usr", "/usr/bin", "/usr/lib", "/usr/local", "/usr/local/bin",
               "/usr/sbin", "/usr/share", "/var", "/var/lib", "/var/log", "/var/tmp"}
PRIVATE_DIRS = {"/root"}          # drwx------ root: the student may not enter or list it

DEV_FILES = {"/dev/null", "/dev/zero", "/dev/stdout", "/dev/stderr", "/dev/tty", "/dev/stdin"}
WRITABLE_ROOTS = (HOME, "/tmp", "/home/docker")     # /home/docker: the minikube node's user (programs/node)
MAX_TOTAL = 5_000_000      # characters in all the learner's files together (the sandbox is saved as one row)


def _files(host) -> dict[str, str]:
    """The read-only files under the learner's: the Ubuntu host's, or none for a machine (the minikube node)
    that puts its own in host.files (its `system_files`)."""
    return getattr(host, "system_files", SYSTEM_FILES)


def _dirs(host) -> set[str]:
    return getattr(host, "system_dirs", SYSTEM_DIRS)


def is_root(proc) -> bool:
    """`sudo` marks the Proc it starts; the shell's own redirections are never root."""
    return bool(getattr(proc, "as_root", False))


def parent(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


def basename(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1] or "/"


def is_dir(host: Host, path: str) -> bool:
    if path in host.dirs or path in _dirs(host):
        return True
    prefix = path.rstrip("/") + "/"       # a directory implied by a file placed without it (lesson files)
    return any(f.startswith(prefix) for f in host.files)


def private(path: str, root: bool) -> bool:
    """Inside /root as the student: Permission denied."""
    return not root and any(path == d or path.startswith(d + "/") for d in PRIVATE_DIRS)


def is_file(host: Host, path: str) -> bool:
    return path in host.files or path in DEV_FILES or path in _files(host)


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
    if path in _files(host):
        return _files(host)[path], None
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
    if not writable(path, root):
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
    old = host.files.get(path, _files(host).get(path, ""))
    new = (old + content) if append else content
    if len(new) > MAX_FILE:
        host.files[path] = new[:MAX_FILE]
        return FBIG
    if len(new) > len(old):
        total = sum(len(v) for v in host.files.values())
        room = MAX_TOTAL - (total - len(host.files.get(path, "")))
        if len(new) > room:
            host.files[path] = new[:max(room, len(old) if append else 0)]
            return NOSPC
    host.files[path] = new
    return None


def listdir(host: Host, path: str) -> list[str]:
    prefix = path.rstrip("/") + "/"
    names = {p[len(prefix):].split("/", 1)[0] for p in list(host.files) + list(host.dirs) + list(_files(host)) +
             list(_dirs(host))
             if p.startswith(prefix) and p != prefix and len(p) > len(prefix) and not p.startswith("/dev/fd/")}
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
    if path in _files(host) and path not in host.files:
        return ACCES if not root else "Operation not permitted"
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
