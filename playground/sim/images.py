"""What the playground knows about container images: whether they pull, how long they take to start,
and whether their main process keeps running. Behaviour inside the container lives in programs/.
"""
from __future__ import annotations

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
