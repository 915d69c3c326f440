"""NetworkPolicy validation worded and ordered as v1.35's ValidateNetworkPolicySpec (per rule: ports, then
peers; policyTypes last), through `kubectl apply` as the learner would meet it."""
from __future__ import annotations

from tests.sim.podhelpers import Sandbox


def apply(spec_yaml: str) -> tuple[str, int]:
    s = Sandbox()
    r = s.run("kubectl apply -f - <<'EOF'\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
              "metadata:\n  name: bad\nspec:\n" + spec_yaml + "EOF")
    return r.output, r.exit_code


def causes(out: str) -> list[str]:
    return [ln[2:] for ln in out.splitlines() if ln.startswith("* ")] or [out.split(": ", 1)[-1].strip()]


def test_ports_then_peers_then_policy_types():
    out, code = apply("""\
  podSelector: {}
  policyTypes: [Ingress, Sideways]
  ingress:
  - ports:
    - port: http
      endPort: 90
    - endPort: 90
    - port: 90
      endPort: 80
      protocol: ICMP
    from:
    - {}
    - ipBlock:
        cidr: 10.0.0.0/8
        except: [10.0.0.0/8, 11.0.0.0/16, nope]
      podSelector: {}
""")
    assert code == 1
    assert out.startswith('The NetworkPolicy "bad" is invalid: \n')
    assert causes(out) == [
        "spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
        "spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is not specified",
        'spec.ingress[0].ports[2].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
        "spec.ingress[0].ports[2].endPort: Invalid value: 80: must be greater than or equal to `port`",
        "spec.ingress[0].from[0]: Required value: must specify a peer",
        'spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
        'spec.ingress[0].from[1].ipBlock.except[1]: Invalid value: "11.0.0.0/16": must be a strict subset of `cidr`',
        'spec.ingress[0].from[1].ipBlock.except[2]: Invalid value: "nope": must be a valid CIDR value, '
        "(e.g. 10.9.8.0/24 or 2001:db8::/64)",
        "spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer",
        'spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
    ]


def test_more_than_two_policy_types_stops_there():
    out, code = apply("  podSelector: {}\n  policyTypes: [Ingress, Egress, Nope]\n")
    assert code == 1
    assert causes(out) == ['spec.policyTypes: Invalid value: ["Ingress","Egress","Nope"]: '
                           "may not specify more than two policyTypes"]


def test_egress_port_range_and_cidr():
    out, code = apply("""\
  podSelector: {}
  egress:
  - ports:
    - port: 0
    - port: 80
      endPort: 70000
    to:
    - ipBlock:
        cidr: ""
    - ipBlock:
        cidr: 300.1.1.1/8
""")
    assert code == 1
    assert causes(out) == [
        "spec.egress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
        "spec.egress[0].ports[1].endPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
        "spec.egress[0].to[0].ipBlock.cidr: Required value",
        'spec.egress[0].to[1].ipBlock.cidr: Invalid value: "300.1.1.1/8": must be a valid CIDR value, '
        "(e.g. 10.9.8.0/24 or 2001:db8::/64)",
    ]


def test_a_valid_policy_is_created_with_its_defaults():
    out, code = apply("  podSelector: {}\n  egress:\n  - ports:\n    - port: 53\n      protocol: UDP\n")
    assert (out, code) == ("networkpolicy.networking.k8s.io/bad created\n", 0)
