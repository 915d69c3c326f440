"""Gateway API with Envoy Gateway as its implementation (issue 19).

- envoy.py: what Envoy Gateway is called and creates (controller name, the proxy's Deployment and Service
  per Gateway, named as its infrastructure provider names them);
- status.py: the controller: GatewayClass, Gateway and HTTPRoute statuses with Envoy Gateway's reasons and
  messages (its translator's golden files are the tests' reference), and the proxy infrastructure;
- routing.py: which route, rule and backend a request takes (the Gateway API spec's matching and
  precedence, Envoy Gateway's route ordering), and the filters it applies;
- proxy.py: the Envoy proxy pod answering HTTP, through routing.py to the backend's pods.
"""
