"""The hooks lower layers call up through, installed in one place from explicit lists.

A lower layer that must run something living higher keeps a slot or a table for it (controllers.RECONCILERS,
network.DNS_FAILURE, probes.EXEC_IN_CONTAINER, shell.POD_SHELL, minikube.COMMANDS, ...). Nothing fills one by
being imported: `install()` fills them all, so what is wired no longer depends on which modules some earlier
code happened to import. This module sits above everything it wires (it imports them) and below the engine:

    Engine.new() / Engine(...)        call install(exec_in_container) before the cluster's first reconcile
    wiring.install()                  code that drives a bare Cluster without an Engine (tests, benchmarks)

install() is idempotent and cheap after its first call (a module flag; an Engine pays one attribute store
and one flag test; the first call holds a lock, so two threads never run the installers at once). Each reconciler and editor handler is registered once, by name (capabilities.Registry:
a second registration raises DuplicateCapability), and controllers.RECONCILERS is replaced by the
registry's values, never appended to, so installing again adds nothing. The reconcilers keep the order
controllers.reconcile has always run them in (Envoy Gateway's status controller, then ingress-nginx's status
sync): their events and resource versions show in the output.

The one hook the engine itself provides, the exec probe's runner (it builds an Engine), is passed in by the
engine: this module is below engine.py and cannot import it. Without it, an exec probe still fails its
assertion ("exec probes run through the engine").
"""
from __future__ import annotations

import threading
from typing import Callable

from . import controllers, dns, ingress, policy, probes
from .addons import ingress as ingress_addon
from .capabilities import Registry
from .gateway import controller as gateway_controller, echo as gateway_echo, proxy as gateway_proxy
from .gateway import status as gateway_status
from .proc import EDITOR_HANDLERS
from .programs import editors, minikube, minikube_tunnel, node
from .programs.container import sh as container_sh
from .programs.kubectl import attach, edit as kubectl_edit

_installed = False
_lock = threading.Lock()          # a worker's threads may build their first Engines at once


def reconcilers() -> Registry:
    """The controllers that run after the built-in ones, in controllers.reconcile's order."""
    reg = Registry("reconcilers")
    reg.register("envoy-gateway-status", gateway_status.sync)    # first, as it has always run
    reg.register("ingress-nginx-status", ingress_addon.sync)
    return reg


def editor_handlers() -> Registry:
    """What saving (or closing) the editor pane runs, by the handler name an open editor carries."""
    reg = Registry("editor handlers")
    reg.register(editors.HANDLER, editors.save)                  # nano / vi / vim on the learner's files
    reg.register(kubectl_edit.HANDLER, kubectl_edit.save)        # kubectl edit's strategic merge patch
    return reg


# Each module's own install/register function: what it hands down, written next to the code it hands.
INSTALLERS: tuple[Callable[[], None], ...] = (
    dns.install,                 # network.RESOLVERS["pod"] (in-pod DNS) and network.DNS_FAILURE
    policy.install,              # network.ADMISSION: NetworkPolicy drops
    ingress.register,            # ingress-nginx controller's server and ports (webcontent, images.LISTENS)
    gateway_controller.register,     # Envoy Gateway's controller pod: its server and ports
    gateway_proxy.register,          # the Envoy proxy's server
    gateway_echo.register,           # the Gateway API echo backend's server and port
    container_sh.install,        # shell.POD_SHELL and completion.POD_COMPLETE: the in-pod shell
    attach.install,              # container_sh.ON_ATTACHED_EXIT: kubectl's lines when an attached shell exits
    node.install,                # minikube.COMMANDS["ssh"]: the node's shell
    minikube_tunnel.install,     # minikube.COMMANDS["tunnel"]
)


def install(exec_in_container: Callable | None = None) -> None:
    """Fill every hook (once per process); `exec_in_container` is the engine's exec probe runner."""
    global _installed
    if exec_in_container is not None:
        probes.EXEC_IN_CONTAINER = exec_in_container
    if _installed:
        return
    with _lock:
        if _installed:
            return
        for installer in INSTALLERS:
            installer()
        minikube.ADDON_HOOKS["ingress"] = ingress_addon.hook     # `minikube addons enable/disable ingress`
        controllers.RECONCILERS[:] = reconcilers().entries.values()
        EDITOR_HANDLERS.update(editor_handlers().entries)
        _installed = True
