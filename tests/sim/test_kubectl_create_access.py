"""kubectl create role|clusterrole|rolebinding|clusterrolebinding|pdb|priorityclass, autoscale and --record.

Client-side paths (dry runs, Validate errors, flag errors) are compared with the real kubectl v1.35; what
needs the API server (the role's RESTMapper, autoscale's builder, `get` tables) is checked against the
sources cited: pkg/cmd/create/create_role.go, pkg/cmd/autoscale/autoscale.go,
pkg/printers/internalversion/printers.go, cli-runtime genericclioptions/record_flags.go.
"""
from __future__ import annotations

import shlex

import pytest

from playground.sim.engine import Engine
from tests.sim.test_oracle_diff import NOW, oracle, simulate

CREATE_CASES = """role r
role r --verb=get
role r --verb=get --resource=.apps
clusterrole c --verb=get
clusterrole c --verb=get --non-resource-url=/logs/* --non-resource-url=/healthz --non-resource-url=/logs/*
clusterrole c --verb=foo --non-resource-url=/x
clusterrole c --verb=get --non-resource-url=x
clusterrole c --verb=get --non-resource-url=/a*b
clusterrole c --aggregation-rule=a
clusterrole c --aggregation-rule=a=b,c=d
clusterrole c --aggregation-rule=a=b --verb=get
rolebinding rb
rolebinding rb --role=a --clusterrole=b
rolebinding rb --role=a --serviceaccount=x
rolebinding rb --role=r --user=u --serviceaccount=default:sa --group=g --user=v
rolebinding rb --clusterrole=view --group=g -n kube-system -o json
clusterrolebinding c
clusterrolebinding crb --clusterrole=view --serviceaccount=ns:sa
clusterrolebinding crb --clusterrole=view --serviceaccount=ns: -o json
pdb p
pdb p --selector=a=b
pdb p --selector=a=b --min-available=1 --max-unavailable=1
pdb p --selector=a=b --min-available=x
pdb p --selector=app=x --min-available=1
poddisruptionbudget p --selector=app=x --max-unavailable=50% -o json
pdb p --selector='a in (b,c),!d,e!=f' --max-unavailable=3
priorityclass pc --value=1000 --description=hi --global-default
pc pc --value=10 --preemption-policy=Never -o json
pc p --value=abc
pc p --value=99999999999
pc p""".splitlines()


@pytest.mark.parametrize("case", CREATE_CASES)
def test_create_access_generators_match_kubectl(kubectl_oracle, case):
    args = ["create", *shlex.split(case), "--dry-run=client"]
    if "-o" not in args:
        args += ["-o", "yaml"]
    engine = Engine.new(seed=1, now=NOW)
    assert simulate(args, engine) == oracle(kubectl_oracle, args)


AUTOSCALE_CASES = ["autoscale deploy x", "autoscale deploy x --max=0", "autoscale deploy x --max=2 --min=3",
                   "autoscale deploy x --max=2 --cpu=abc", "autoscale deploy x --max=2 --cpu=-5%",
                   "autoscale deploy x --max=2 --memory=1.5.5", "autoscale deploy x --max=2 --cpu-percent=5 --cpu=4",
                   "autoscale deploy x --max=abc"]


@pytest.mark.parametrize("case", AUTOSCALE_CASES)
def test_autoscale_validation_matches_kubectl(kubectl_oracle, case):
    args = shlex.split(case)
    assert simulate(args) == oracle(kubectl_oracle, args)


def run(engine: Engine, line: str, after: float = 0) -> str:
    """One line, `after` seconds past the engine's clock (the engine otherwise follows the wall clock)."""
    return engine.run(line, now=engine.cluster.now + after).output


def test_role_rules_group_resources_by_api_group():
    """generateResourcePolicyRules: one rule per group, groups sorted, short names resolved, subresources kept."""
    e = Engine.new(seed=1, now=NOW)
    out = run(e, "kubectl create role r --verb=get,list,get --resource=deploy.apps,pods,pods/log,rs.apps "
                 "--resource-name=a --dry-run=client -o yaml")
    assert out == """apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r
rules:
- apiGroups:
  - ""
  resourceNames:
  - a
  resources:
  - pods
  - pods/log
  verbs:
  - get
  - list
- apiGroups:
  - apps
  resourceNames:
  - a
  resources:
  - deployments
  - replicasets
  verbs:
  - get
  - list
"""
    assert run(e, "kubectl create role r --verb=get --resource=widgets") == \
        'error: the server doesn\'t have a resource type "widgets"\n'
    assert run(e, "kubectl create role r --verb=bind --resource=pods") == \
        "error: can not perform 'bind' on 'pods' in group ''\n"
    assert run(e, "kubectl create role r --verb=frob --resource=pods") == \
        "Warning: 'frob' is not a standard resource verb\nrole.rbac.authorization.k8s.io/r created\n"


def test_rbac_objects_are_listed_with_kubectls_columns():
    e = Engine.new(seed=1, now=NOW)
    run(e, "kubectl create role r --verb=get --resource=pods")
    run(e, "kubectl create rolebinding rb --role=r --user=bob --user=amy --serviceaccount=default:robot")
    run(e, "kubectl create clusterrole reader --verb=get --resource=pods")
    run(e, "kubectl create clusterrolebinding crb --clusterrole=reader --group=devs")
    created = e.cluster.get("roles", "default", "r")["metadata"]["creationTimestamp"]
    assert run(e, "kubectl get roles", after=120) == f"NAME   CREATED AT\nr      {created}\n"
    assert run(e, "kubectl get rolebinding -o wide") == (
        "NAME   ROLE     AGE   USERS      GROUPS   SERVICEACCOUNTS\n"
        "rb     Role/r   2m    bob, amy            default/robot\n")
    assert run(e, "kubectl get clusterrolebinding crb") == "NAME   ROLE                 AGE\ncrb    ClusterRole/reader   2m\n"
    assert "reader" in run(e, "kubectl get clusterroles")


def test_pdb_status_follows_ready_pods():
    """The disruption controller: expected pods by selector, healthy = Ready, allowed = healthy - desired."""
    e = Engine.new(seed=1, now=NOW)
    run(e, "kubectl create deployment web --image=nginx --replicas=3")
    run(e, "kubectl create pdb web --selector=app=web --max-unavailable=34%")
    run(e, "true", after=60)
    status = e.cluster.get("poddisruptionbudgets", "default", "web")["status"]
    assert (status["expectedPods"], status["currentHealthy"], status["desiredHealthy"]) == (3, 3, 1)
    assert status["disruptionsAllowed"] == 2
    assert run(e, "kubectl get pdb").splitlines()[1].split()[:4] == ["web", "N/A", "34%", "2"]


def test_autoscale_creates_a_v2_hpa_that_keeps_replicas_within_bounds():
    e = Engine.new(seed=1, now=NOW)
    run(e, "kubectl create deployment web --image=nginx")
    assert run(e, "kubectl autoscale deployment web --min=2 --max=4 --cpu=50%") == \
        "horizontalpodautoscaler.autoscaling/web autoscaled\n"
    assert e.cluster.get("deployments", "default", "web")["spec"]["replicas"] == 2
    assert run(e, "kubectl get hpa") == (
        "NAME   REFERENCE        TARGETS              MINPODS   MAXPODS   REPLICAS   AGE\n"
        "web    Deployment/web   cpu: <unknown>/50%   2         4         2          0s\n")
    run(e, "kubectl scale deployment web --replicas=9")
    assert e.cluster.get("deployments", "default", "web")["spec"]["replicas"] == 4
    assert run(e, "kubectl autoscale deployment web --max=3") == \
        'Error from server (AlreadyExists): horizontalpodautoscalers.autoscaling "web" already exists\n'
    assert run(e, "kubectl autoscale pod/nope --max=3") == 'Error from server (NotFound): pods "nope" not found\n'
    run(e, "kubectl run solo --image=nginx")
    assert run(e, "kubectl autoscale pod/solo --max=3") == ("error: cannot autoscale a Pod: could not find scale "
                                                           "subresource for /v1, Resource=pods in discovery information\n")


def test_autoscale_defaults_and_dry_run():
    e = Engine.new(seed=1, now=NOW)
    run(e, "kubectl create deployment web --image=nginx")
    out = run(e, "kubectl autoscale deploy web --max=5 --memory=200 --dry-run=client -o yaml")
    assert out == """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  maxReplicas: 5
  metrics:
  - resource:
      name: memory
      target:
        averageValue: 200Mi
        type: AverageValue
    type: Resource
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
status:
  desiredReplicas: 0
"""
    run(e, "kubectl autoscale deploy web --max=5")
    hpa = e.cluster.get("horizontalpodautoscalers", "default", "web")
    assert hpa["spec"]["minReplicas"] == 1
    assert hpa["spec"]["metrics"][0]["resource"]["target"] == {"type": "Utilization", "averageUtilization": 80}


def test_record_sets_and_then_keeps_updating_the_change_cause():
    """--record=true always writes the command; without the flag an existing change-cause is updated."""
    e = Engine.new(seed=1, now=NOW)
    run(e, "kubectl create deployment web --image=nginx")
    assert run(e, "kubectl scale deploy web --replicas=2 --record") == (
        "Flag --record has been deprecated, --record will be removed in the future\ndeployment.apps/web scaled\n")
    ann = e.cluster.get("deployments", "default", "web")["metadata"]["annotations"]
    assert ann["kubernetes.io/change-cause"] == "kubectl scale deploy web --replicas=2 --record=true"
    run(e, "kubectl set image -n default deploy/web nginx=nginx:1.25")
    ann = e.cluster.get("deployments", "default", "web")["metadata"]["annotations"]
    assert ann["kubernetes.io/change-cause"] == "kubectl set image deploy/web nginx=nginx:1.25 --namespace=default"
    run(e, "kubectl set image deploy/web nginx=nginx:1.26 --record=false")
    ann = e.cluster.get("deployments", "default", "web")["metadata"]["annotations"]
    assert ann["kubernetes.io/change-cause"].endswith("--namespace=default")


def test_describe_role_breaks_rules_down_as_kubectl():
    """describe.go RoleDescriber: BreakdownRule (sorted verbs), CompactRules, sorted by PolicyRule.String()."""
    e = Engine.new(seed=1, now=NOW)
    run(e, "kubectl create role r --verb=watch,get --resource=pods,deploy.apps,pods/log --resource-name=a")
    assert run(e, "kubectl describe role r") == """Name:         r
Labels:       <none>
Annotations:  <none>
PolicyRule:
  Resources         Non-Resource URLs  Resource Names  Verbs
  ---------         -----------------  --------------  -----
  pods/log          []                 [a]             [get watch]
  pods              []                 [a]             [get watch]
  deployments.apps  []                 [a]             [get watch]
"""
    run(e, "kubectl create rolebinding rb --role=r --user=bob --serviceaccount=default:robot")
    assert run(e, "kubectl describe rolebinding rb").endswith(
        "Subjects:\n  Kind            Name   Namespace\n  ----            ----   ---------\n"
        "  User            bob    \n  ServiceAccount  robot  default\n")


def test_describe_pdb_and_priorityclass():
    e = Engine.new(seed=1, now=NOW)
    run(e, "kubectl create pdb p --selector=app=web --min-available=50%")
    assert run(e, "kubectl describe pdb p") == """Name:           p
Namespace:      default
Min available:  50%
Selector:       app=web
Status:
    Allowed disruptions:  0
    Current:              0
    Desired:              0
    Total:                0
Events:                   <none>
"""
    run(e, "kubectl create pc hi --value=5")
    assert run(e, "kubectl describe pc hi") == ("Name:              hi\nValue:             5\nGlobalDefault:     false\n"
                                                "PreemptionPolicy:  PreemptLowerPriority\nDescription:       \n"
                                                "Annotations:       <none>\nEvents:            <none>\n")


def test_describe_hpa():
    """describeHorizontalPodAutoscalerV2: the metric line, behavior policies, pods and conditions."""
    e = Engine.new(seed=1, now=NOW)
    run(e, "kubectl create deployment web --image=nginx")
    run(e, "kubectl autoscale deploy web --min=2 --max=5 --cpu=50%")
    out = run(e, "kubectl describe hpa web")
    assert "\n  resource cpu on pods  (as a percentage of request):  <unknown> / 50%\n" in out
    assert "\n      - Type: Pods     Value: 4    Period: 15 seconds\n" in out
    assert "\nDeployment pods:       2 current / 2 desired\n" in out
    assert "  ScalingActive  False   FailedGetResourceMetric  the HPA was unable to compute the replica count" in out
