"""What the playground knows about container images: whether they pull, how long they take to start,
whether their main process keeps running, which programs each holds (TOOLBOX, flavor) and which ports its
server listens on (LISTENS; a Listener is one socket a process opens). Behaviour inside the container lives
in programs/container, what a container's command listens on in processes.py, what its server answers in
webcontent.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# Repositories that pull; anything else fails with ErrImagePull as on a real node without the image.
KNOWN_REPOSITORIES = {
    "nginx", "httpd", "busybox", "alpine", "ubuntu", "debian", "redis", "mariadb", "mysql", "postgres",
    "wordpress", "curlimages/curl", "gcr.io/google-samples/hello-app", "registry.k8s.io/echoserver",
    "k8s.gcr.io/echoserver", "nicolaka/netshoot", "traefik/whoami", "hashicorp/http-echo", "php",
    "node", "python", "registry.k8s.io/pause",
    # Envoy Gateway (controller, proxy) and the Gateway API echo backend of its quick start
    "envoyproxy/gateway", "envoyproxy/envoy", "gcr.io/k8s-staging-gateway-api/echo-basic",
    "radial/busyboxplus", "gcr.io/google-containers/busybox",
}
# Cluster components' images, which minikube preloads.
SYSTEM_REGISTRIES = ("registry.k8s.io/", "gcr.io/k8s-minikube/", "k8s.gcr.io/",
                     "calico/", "quay.io/cilium/", "ghcr.io/flannel-io/", "kindest/")     # CNI plugins (cni.py)
# Images whose default command exits at once (a shell with no terminal).
SHELL_IMAGES = {"busybox", "alpine", "ubuntu", "debian", "curlimages/curl", "nicolaka/netshoot", "radial/busyboxplus",
                "registry.k8s.io/busybox", "k8s.gcr.io/busybox", "gcr.io/google-containers/busybox"}


@lru_cache(maxsize=4096)     # the pod index parses every pod's images on load; a sandbox has few distinct ones
def repository(image: str) -> str:
    """`docker.io/library/nginx:1.17` -> `nginx`; `gcr.io/google-samples/hello-app:2.0` -> itself sans tag."""
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)
    if ":" in last[-1]:
        name = name[: name.rfind(":")]
    for prefix in ("docker.io/library/", "docker.io/", "index.docker.io/library/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return name


def tag(image: str) -> str:
    last = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else "latest"


def known(image: str) -> bool:
    """The playground knows what the image holds and runs."""
    repo = repository(image)
    return repo in KNOWN_REPOSITORIES or repo.startswith(SYSTEM_REGISTRIES)


def levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@lru_cache(maxsize=1024)
def _near_known(repo: str) -> bool:
    """Within two edits of a repository the playground knows: a typo (`ngnix`, `gcr.io/google-samples/helo-app`)."""
    return any(abs(len(repo) - len(k)) <= 2 and levenshtein(repo, k) <= 2 for k in KNOWN_REPOSITORIES)


def pullable(image: str) -> bool:
    """Whether the node can pull the image. Docker Hub's official names (no `/`) exist only as the catalogue
    lists them (`ngnix` is pull access denied); an image under a user or registry the playground does not know
    is taken to exist (it starts, and serves nothing unless its command is one processes.py knows), unless
    it is a near miss of a known one (a typo)."""
    if not image or image != image.strip() or any(c.isupper() for c in image.split(":")[0]):
        return False
    if known(image):
        return True
    repo = repository(image)
    return "/" in repo and not _near_known(repo)


def keeps_running(image: str, command: list[str] | None, args: list[str] | None) -> bool:
    """Whether the container's main process stays up (a shell image needs `sleep` or similar)."""
    if repository(image) not in SHELL_IMAGES:
        return True
    argv = (command or []) + (args or [])
    if not argv:
        return False
    joined = " ".join(argv)
    return any(word in joined for word in ("sleep", "tail -f", "while true", "httpd", "nc -l"))


def startup_seconds(image: str) -> int:
    """Seconds from creation to Running: the pull plus container start on a warm minikube node."""
    return 2


# ---- what an image holds: the programs on its PATH (only what the playground simulates) -----------------
# The rest is "not found" (programs/container runs these).
BUSYBOX_APPLETS = {"sh", "ash", "nslookup", "wget", "ping", "cat", "hostname", "env", "printenv", "ls", "echo",
                   "sleep", "true", "false", "pwd", "id", "whoami", "date", "uname", "head", "tail", "grep",
                   "wc", "ps", "nc", "traceroute", "ifconfig", "ip", "route", "netstat", "vi", "touch", "mkdir",
                   "rm", "cp", "mv", "sort", "which", "top", "free", "df", "du", "tee", "printf", "test", "[",
                   "telnet", "clear", "reset", "exit",
                   # text applets the host's implementations serve (busybox's defconfig builds them all)
                   "uniq", "seq", "tr", "cut", "awk", "sed", "xargs", "basename", "dirname", "md5sum", "sha1sum",
                   "sha256sum", "base64", "tac", "rev", "nl", "paste", "chmod", "chown", "rmdir", "less", "more",
                   "timeout", "httpd"}
DEBIAN_TOOLS = {"sh", "dash", "bash", "cat", "hostname", "env", "printenv", "ls", "echo", "sleep", "true", "false",
                "pwd", "id", "whoami", "date", "uname", "head", "tail", "grep", "wc", "touch", "mkdir", "rm", "cp",
                "mv", "sort", "which", "tee", "printf", "test", "[", "df", "du", "clear",
                # coreutils, sed, mawk and util-linux's rev: in every Debian base image
                "uniq", "seq", "tr", "cut", "awk", "mawk", "sed", "xargs", "basename", "dirname", "md5sum",
                "sha1sum", "sha256sum", "base64", "tac", "rev", "nl", "paste", "chmod", "chown", "rmdir", "timeout"}
TOOLBOX: dict[str, set[str]] = {
    "busybox": BUSYBOX_APPLETS,
    "alpine": BUSYBOX_APPLETS,
    "curlimages/curl": BUSYBOX_APPLETS | {"curl"},
    # Alpine with bind-tools, curl, bash and more: its nslookup is BIND's (bind.py)
    "nicolaka/netshoot": BUSYBOX_APPLETS | {"curl", "bash", "dig"},
    "radial/busyboxplus": BUSYBOX_APPLETS | {"curl"},          # the docs' busyboxplus:curl
    # the e2e busybox (registry.k8s.io/busybox:latest and :1.24): busybox 1.24's applets
    **{r: BUSYBOX_APPLETS for r in ("registry.k8s.io/busybox", "k8s.gcr.io/busybox", "gcr.io/google-containers/busybox")},
    "nginx": DEBIAN_TOOLS | {"curl", "nginx"},           # the nginx image installs curl for its healthchecks
    "httpd": DEBIAN_TOOLS | {"httpd"},
    "ubuntu": DEBIAN_TOOLS,
    "debian": DEBIAN_TOOLS,
    "redis": DEBIAN_TOOLS | {"redis-cli", "redis-server"},
    "mariadb": DEBIAN_TOOLS | {"mariadb", "mysql"},
    "mysql": DEBIAN_TOOLS | {"mysql"},
    "postgres": DEBIAN_TOOLS | {"psql"},
    "wordpress": DEBIAN_TOOLS | {"curl"},
    "php": DEBIAN_TOOLS,
    "python": DEBIAN_TOOLS | {"python", "python3", "curl"},
    "node": DEBIAN_TOOLS | {"node", "curl"},
    # the e2e dnsutils image (test/images/jessie-dnsutils): Debian jessie with the dnsutils package
    "registry.k8s.io/e2e-test-images/jessie-dnsutils": DEBIAN_TOOLS | {"nslookup", "dig"},
    "gcr.io/kubernetes-e2e-test-images/dnsutils": DEBIAN_TOOLS | {"nslookup", "dig"},
    # agnhost (test/images/agnhost): a Debian base with the agnhost binary at /agnhost
    **{r: DEBIAN_TOOLS | {"agnhost"} for r in ("registry.k8s.io/e2e-test-images/agnhost",
                                               "k8s.gcr.io/e2e-test-images/agnhost",
                                               "gcr.io/kubernetes-e2e-test-images/agnhost")},
}
# Images built FROM scratch/distroless: no shell, no tools.
BARE_IMAGES = {"gcr.io/google-samples/hello-app", "us-docker.pkg.dev/google-samples/containers/gke/hello-app",
               "traefik/whoami", "hashicorp/http-echo", "registry.k8s.io/pause",
               "registry.k8s.io/coredns/coredns", "registry.k8s.io/echoserver", "k8s.gcr.io/echoserver"}


def flavor(image: str) -> str:
    """Which userland the image has: "busybox" (ash and applets), "debian" (dash, bash), or "none"."""
    repo = repository(image)
    tools = TOOLBOX.get(repo)
    if tools is None and (repo in BARE_IMAGES or repo.startswith(("registry.k8s.io/", "gcr.io/k8s-minikube/"))):
        return "none"
    if tools is None:
        return "debian"
    return "busybox" if "ash" in tools else "debian"


def has_program(image: str, name: str) -> bool:
    repo = repository(image)
    if flavor(image) == "none":
        return False
    base = name.rsplit("/", 1)[-1]
    return base in TOOLBOX.get(repo, DEBIAN_TOOLS)


# ---- what an image's server listens on -------------------------------------------------------------------
# What each image's main process listens on (TCP), whatever the pod spec declares: nginx listens on 80
# even when containerPort says 8080. "http" ports are answered by webcontent.SERVERS; the others speak their
# own protocol, which curl reports as the real tool does. "https" ports are served by SERVERS behind TLS.
# Add-ons and the Gateway API controller add their images' entries when they load.
LISTENS: dict[str, dict[int, str]] = {
    "nginx": {80: "http"},
    "httpd": {80: "http"},
    "gcr.io/google-samples/hello-app": {8080: "http"},
    "us-docker.pkg.dev/google-samples/containers/gke/hello-app": {8080: "http"},
    "traefik/whoami": {80: "http"},
    "redis": {6379: "redis"},
    "mariadb": {3306: "mysql"},
    "mysql": {3306: "mysql"},
    "postgres": {5432: "postgres"},
    "wordpress": {80: "http-unsimulated"},
    "php": {},
    "registry.k8s.io/echoserver": {8080: "http-unsimulated"},
    "k8s.gcr.io/echoserver": {8080: "http-unsimulated"},
    "hashicorp/http-echo": {5678: "http-unsimulated"},
    "registry.k8s.io/coredns/coredns": {53: "dns", 8080: "http-unsimulated", 8181: "http-unsimulated",
                                        9153: "http-unsimulated"},
}


@dataclass(frozen=True)
class Listener:
    port: int
    kind: str = "http"           # LISTENS's kinds: "http", "https", "redis", ... ; "tcp" answers nothing
    server: str = ""             # PROCESS_SERVERS key in webcontent; "" = the image's own server
    protocol: str = "TCP"
    text: str = ""               # http-echo's -text
