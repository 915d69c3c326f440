"""kustomize build, the common part of what kubectl v1.35 embeds (sigs.k8s.io/kustomize/api v0.20.1).

    objs, warnings = build(host, "overlays/dev")

Supported kustomization.yaml fields: resources (files and directories with their own kustomization),
namePrefix, nameSuffix, namespace, commonLabels (also selectors and templates), labels (pairs,
includeSelectors, includeTemplates), commonAnnotations, images, replicas, configMapGenerator and
secretGenerator (literals, files, envs; the name hash kustomize's hasher computes), patches (strategic merge
or JSON 6902, by target or by the patch's own kind and name) and patchesStrategicMerge. References from pods
to generated or renamed ConfigMaps and Secrets follow the new names. Anything else in the file is refused
with an error that names it, rather than silently ignored.
"""
from __future__ import annotations

import base64
import copy
import posixpath

from . import manifests, merge
from .confighash import hash_suffix
from .labels import parse_selector, requirements_match

FILENAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
KNOWN = {"apiVersion", "kind", "resources", "namePrefix", "nameSuffix", "namespace", "commonLabels", "labels",
         "commonAnnotations", "images", "replicas", "configMapGenerator", "secretGenerator", "patches",
         "patchesStrategicMerge", "generatorOptions", "bases"}
# kustomize's legacy resource order (api/resid/gvk.go orderFirst / orderLast)
ORDER_FIRST = ["Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
               "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret",
               "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume", "PersistentVolumeClaim",
               "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget"]
ORDER_LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]
WORKLOADS = {"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "ReplicationController"}
CLUSTER_SCOPED = {"Namespace", "Node", "ClusterRole", "ClusterRoleBinding", "PriorityClass", "IngressClass",
                  "PersistentVolume", "StorageClass", "CustomResourceDefinition"}
DEPRECATED = {"commonLabels": "'commonLabels' is deprecated. Please use 'labels' instead.",
              "patchesStrategicMerge": "'patchesStrategicMerge' is deprecated. Please use 'patches' instead.",
              "bases": "'bases' is deprecated. Please use 'resources' instead."}


class KustomizeError(Exception):
    pass


def _read(host, path: str) -> str:
    if path not in host.files:
        raise KustomizeError(f"evalsymlink failure on '{path}' : lstat {path}: no such file or directory")
    return host.files[path]


def _kustomization(host, root: str) -> dict:
    for name in FILENAMES:
        path = posixpath.join(root, name)
        if path in host.files:
            doc = manifests.yaml_to_json(host.files[path]) or {}
            if not isinstance(doc, dict):
                raise KustomizeError(f"invalid Kustomization: {path}")
            return doc
    raise KustomizeError(f"unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in "
                         f"directory '{root}'")


def _hash(obj: dict) -> str:
    body = {"kind": obj["kind"], "name": "", "data": obj.get("data") or {}}
    if obj["kind"] == "Secret":
        body["type"] = obj.get("type", "Opaque")
    return hash_suffix(body)


def _generator_data(host, root: str, gen: dict) -> dict[str, str]:
    data: dict[str, str] = {}
    for env in gen.get("envs") or ([gen["env"]] if gen.get("env") else []):
        for line in _read(host, posixpath.join(root, env)).splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                data[key.strip()] = value
    for item in gen.get("files") or []:
        key, eq, path = str(item).partition("=")
        if not eq:
            key, path = posixpath.basename(item), item
        data[key] = _read(host, posixpath.join(root, path))
    for item in gen.get("literals") or []:
        key, _, value = str(item).partition("=")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        data[key] = value
    return data


def _generate(host, root: str, k: dict) -> list[tuple[dict, bool]]:
    """(object, whether it gets the name hash) for each generator entry."""
    out = []
    options = k.get("generatorOptions") or {}
    for kind, key in (("ConfigMap", "configMapGenerator"), ("Secret", "secretGenerator")):
        for gen in k.get(key) or []:
            data = _generator_data(host, root, gen)
            meta: dict = {"name": gen["name"]}
            if gen.get("namespace"):
                meta["namespace"] = gen["namespace"]
            labels = {**(options.get("labels") or {}), **((gen.get("options") or {}).get("labels") or {})}
            annotations = {**(options.get("annotations") or {}),
                           **((gen.get("options") or {}).get("annotations") or {})}
            if labels:
                meta["labels"] = labels
            if annotations:
                meta["annotations"] = annotations
            obj: dict = {"apiVersion": "v1", "kind": kind, "metadata": meta}
            if kind == "Secret":
                obj["data"] = {k_: base64.b64encode(v.encode()).decode() for k_, v in data.items()}
                obj["type"] = gen.get("type", "Opaque")
            else:
                obj["data"] = data
            hashed = not ((gen.get("options") or {}).get("disableNameSuffixHash")
                          or options.get("disableNameSuffixHash"))
            out.append((obj, hashed))
    return out


def _resources(host, root: str, k: dict, warnings: list[str], depth: int) -> list[tuple[dict, bool]]:
    out = []
    for entry in (k.get("bases") or []) + (k.get("resources") or []):
        path = posixpath.normpath(posixpath.join(root, entry))
        if path in host.dirs or any(posixpath.join(path, n) in host.files for n in FILENAMES):
            out += _build(host, path, warnings, depth + 1)
            continue
        for item in manifests.read_stream(_read(host, path), entry):
            if isinstance(item, manifests.ManifestError):
                raise KustomizeError(item.message)
            out.append((copy.deepcopy(item.obj), False))
    return out


def _set_labels(obj: dict, labels: dict, selectors: bool, templates: bool) -> None:
    obj.setdefault("metadata", {}).setdefault("labels", {}).update(labels)
    kind, spec = obj.get("kind"), obj.get("spec")
    if not isinstance(spec, dict):
        return
    if selectors and kind == "Service":
        spec.setdefault("selector", {}).update(labels)
    if selectors and kind in WORKLOADS - {"Job"}:
        spec.setdefault("selector", {}).setdefault("matchLabels", {}).update(labels)
    if (selectors or templates) and kind in WORKLOADS:
        spec.setdefault("template", {}).setdefault("metadata", {}).setdefault("labels", {}).update(labels)
    if (selectors or templates) and kind == "CronJob":
        tmpl = spec.setdefault("jobTemplate", {}).setdefault("spec", {}).setdefault("template", {})
        tmpl.setdefault("metadata", {}).setdefault("labels", {}).update(labels)


def _pod_specs(obj: dict) -> list[dict]:
    spec = obj.get("spec") or {}
    if obj.get("kind") == "Pod":
        return [spec]
    if obj.get("kind") == "CronJob":
        spec = ((spec.get("jobTemplate") or {}).get("spec") or {})
    tmpl = (spec.get("template") or {}).get("spec")
    return [tmpl] if isinstance(tmpl, dict) else []


def _images(obj: dict, images: list[dict]) -> None:
    for pod in _pod_specs(obj):
        for c in (pod.get("initContainers") or []) + (pod.get("containers") or []):
            image = c.get("image", "")
            base, digest = image.partition("@")[0], image.partition("@")[2]
            name, tag = base, ""
            if ":" in base.rsplit("/", 1)[-1]:
                name, _, tag = base.rpartition(":")
            for rule in images:
                if rule.get("name") != name:
                    continue
                name = rule.get("newName", name)
                if rule.get("digest"):
                    c["image"] = f"{name}@{rule['digest']}"
                elif "newTag" in rule:
                    c["image"] = f"{name}:{rule['newTag']}"
                else:
                    c["image"] = name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")
                break


def _rename_refs(obj: dict, renames: dict[tuple[str, str], str]) -> None:
    """References from pods to ConfigMaps and Secrets follow their new names (kustomize's nameref)."""
    def fix(holder: dict, key: str, kind: str) -> None:
        if isinstance(holder, dict) and (kind, holder.get(key)) in renames:
            holder[key] = renames[(kind, holder[key])]
    for pod in _pod_specs(obj):
        for v in pod.get("volumes") or []:
            fix(v.get("configMap"), "name", "ConfigMap")
            fix(v.get("secret"), "secretName", "Secret")
        for c in (pod.get("initContainers") or []) + (pod.get("containers") or []):
            for src in c.get("envFrom") or []:
                fix(src.get("configMapRef"), "name", "ConfigMap")
                fix(src.get("secretRef"), "name", "Secret")
            for env in c.get("env") or []:
                ref = env.get("valueFrom") or {}
                fix(ref.get("configMapKeyRef"), "name", "ConfigMap")
                fix(ref.get("secretKeyRef"), "name", "Secret")
        for s in pod.get("imagePullSecrets") or []:
            fix(s, "name", "Secret")


def _patch(host, root: str, objs: list[dict], patch: dict) -> None:
    text = patch.get("patch")
    if text is None:
        text = _read(host, posixpath.join(root, patch["path"]))
    body = manifests.yaml_to_json(text)
    target = patch.get("target") or {}
    if isinstance(body, list):                              # JSON 6902: needs a target
        for i, o in enumerate(objs):
            if _targets(o, target):
                objs[i] = merge.json_patch(o, body)
        return
    if not target:
        target = {"kind": body.get("kind"), "name": (body.get("metadata") or {}).get("name")}
    for i, o in enumerate(objs):
        if _targets(o, target):
            smp = copy.deepcopy(body)
            if target is not patch.get("target"):
                smp.get("metadata", {}).pop("name", None)
            objs[i] = merge.strategic_merge_patch(o, smp)


def _targets(obj: dict, target: dict) -> bool:
    meta = obj.get("metadata") or {}
    if target.get("kind") and obj.get("kind") != target["kind"]:
        return False
    if target.get("name") and meta.get("name") != target["name"]:
        return False
    if target.get("namespace") and meta.get("namespace") != target["namespace"]:
        return False
    if target.get("labelSelector"):
        if not requirements_match(parse_selector(target["labelSelector"]), meta.get("labels") or {}):
            return False
    return True


def _build(host, root: str, warnings: list[str], depth: int = 0) -> list[tuple[dict, bool]]:
    if depth > 20:
        raise KustomizeError(f"cycle detected in resources of '{root}'")
    k = _kustomization(host, root)
    unknown = sorted(set(k) - KNOWN)
    if unknown:
        raise KustomizeError(f"the playground's kustomize does not support the field(s) {', '.join(unknown)} of "
                             f"{root}/kustomization.yaml")
    for field, message in DEPRECATED.items():
        if field in k:
            warnings.append(f"# Warning: {message} Run 'kustomize edit fix' to update your Kustomization "
                            "automatically.")
    items = _resources(host, root, k, warnings, depth) + _generate(host, root, k)
    objs = [o for o, _ in items]
    for p in k.get("patchesStrategicMerge") or []:
        _patch(host, root, objs, {"path": p} if not str(p).lstrip().startswith(("apiVersion", "kind")) else
               {"patch": p})
    for p in k.get("patches") or []:
        _patch(host, root, objs, p)
    items = [(o, hashed) for o, (_, hashed) in zip(objs, items)]
    for obj, _ in items:
        meta = obj.setdefault("metadata", {})
        if k.get("namespace") and obj.get("kind") not in CLUSTER_SCOPED:
            meta["namespace"] = k["namespace"]
        if k.get("commonLabels"):
            _set_labels(obj, k["commonLabels"], True, True)
        for group in k.get("labels") or []:
            _set_labels(obj, group.get("pairs") or {}, group.get("includeSelectors", False),
                        group.get("includeTemplates", False))
        if k.get("commonAnnotations"):
            meta.setdefault("annotations", {}).update(k["commonAnnotations"])
            if obj.get("kind") in WORKLOADS:
                tmeta = obj.setdefault("spec", {}).setdefault("template", {}).setdefault("metadata", {})
                tmeta.setdefault("annotations", {}).update(k["commonAnnotations"])
        if k.get("images"):
            _images(obj, k["images"])
        for rule in k.get("replicas") or []:
            if meta.get("name") == rule.get("name") and obj.get("kind") in WORKLOADS:
                obj.setdefault("spec", {})["replicas"] = rule.get("count")
    renames: dict[tuple[str, str], str] = {}
    for obj, _ in items:
        if obj.get("kind") in ("Namespace", "CustomResourceDefinition"):
            continue
        meta = obj["metadata"]
        new = f"{k.get('namePrefix', '')}{meta.get('name', '')}{k.get('nameSuffix', '')}"
        if new != meta.get("name"):
            renames[(obj.get("kind"), meta.get("name"))] = new
            meta["name"] = new
    return _with_refs(items, renames)


def _with_refs(items: list[tuple[dict, bool]], renames: dict) -> list[tuple[dict, bool]]:
    for obj, _ in items:
        _rename_refs(obj, renames)
    return items


def _order(obj: dict) -> tuple:
    kind = obj.get("kind", "")
    if kind in ORDER_FIRST:
        rank = ORDER_FIRST.index(kind)
    elif kind in ORDER_LAST:
        rank = len(ORDER_FIRST) + 1 + ORDER_LAST.index(kind)
    else:
        rank = len(ORDER_FIRST)
    meta = obj.get("metadata") or {}
    return rank, obj.get("apiVersion", ""), kind, meta.get("namespace", ""), meta.get("name", "")


def build(host, path: str) -> tuple[list[dict], list[str]]:
    """The objects `kubectl kustomize path` prints, in its order, and the warnings it writes to stderr."""
    root = host.abspath(path).rstrip("/") or "/"
    warnings: list[str] = []
    items = _build(host, root, warnings)
    renames: dict[tuple[str, str], str] = {}
    for obj, hashed in items:
        if hashed:
            meta = obj["metadata"]
            new = f"{meta['name']}-{_hash(obj)}"
            renames[(obj["kind"], meta["name"])] = new
            meta["name"] = new
    objs = [obj for obj, _ in _with_refs(items, renames)]
    return sorted(objs, key=_order), warnings
