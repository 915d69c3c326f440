"""An LTI 1.3 platform (an LMS) for the tests: its own RSA key and JWKS, OIDC authorisation that signs
id_tokens, an OAuth2 token endpoint that checks the tool's signed client assertion, and the Assignment and
Grade Services and Names and Role Provisioning endpoints, recording what the tool posts.

The tool reaches the platform with `requests` (PyLTI1p3 makes its own requests.Session): `platform.serve`
swaps requests.Session for one whose only transport is this emulator, so nothing leaves the process.
"""
from __future__ import annotations

import json
import time
import uuid
from urllib.parse import parse_qs, urlparse

import jwt
import requests
from jwcrypto.jwk import JWK
from requests.adapters import BaseAdapter

ISS = "https://lms.example.edu"
CLIENT_ID = "podscape-client-1"
DEPLOYMENT = "deployment-1"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def new_key() -> tuple[JWK, str]:
    key = JWK.generate(kty="RSA", size=2048)
    return key, key.export_to_pem(private_key=True, password=None).decode()


class Platform:
    def __init__(self, tool_jwks=None):
        self.key, self.pem = new_key()
        self.kid = self.key.thumbprint()
        self.tool_jwks = tool_jwks          # () -> the tool's JWKS, to check its client assertions
        self.scores: list[dict] = []        # every AGS score POST: {"url", "body", "token"}
        self.token_requests: list[dict] = []
        self.members: list[dict] = []
        self.context = {"id": "course-42", "label": "K8S-101", "title": "Kubernetes networking (LMS)"}

    # ---- the platform's URLs ----
    auth_url = f"{ISS}/auth"
    token_url = f"{ISS}/token"
    jwks_url = f"{ISS}/jwks"
    lineitem_url = f"{ISS}/courses/42/lineitems/7"
    memberships_url = f"{ISS}/courses/42/memberships"

    def jwks(self) -> dict:
        public = json.loads(self.key.export_public())
        return {"keys": [dict(public, kid=self.kid, alg="RS256", use="sig")]}

    def id_token(self, nonce: str, claims: dict, *, pem: str | None = None, aud: str = CLIENT_ID,
                 expires_in: int = 300) -> str:
        now = int(time.time())
        body = {"iss": ISS, "aud": aud, "sub": claims.pop("sub", "lms-user-1"), "iat": now - 5,
                "exp": now + expires_in, "nonce": nonce,
                LTI + "version": "1.3.0", LTI + "deployment_id": DEPLOYMENT,
                LTI + "context": dict(self.context, type=["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"]),
                **claims}
        return jwt.encode(body, pem or self.pem, algorithm="RS256", headers={"kid": self.kid})

    def resource_claims(self, sub: str, role: str, item: str | None, name: str = "Ada Lovelace") -> dict:
        claims = {"sub": sub, "name": name, "given_name": name.split()[0], "family_name": name.split()[-1],
                  "email": f"{sub}@lms.example.edu",
                  LTI + "message_type": "LtiResourceLinkRequest", LTI + "roles": [role],
                  LTI + "resource_link": {"id": f"link-{item}", "title": item},
                  LTI + "target_link_uri": "http://testserver/lti/launch/",
                  AGS: {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                                  "https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                        "lineitem": self.lineitem_url, "lineitems": f"{ISS}/courses/42/lineitems"},
                  NRPS: {"context_memberships_url": self.memberships_url, "service_versions": ["2.0"]}}
        if item is not None:
            claims[LTI + "custom"] = {"podscape_item": item}
        return claims

    def deep_link_claims(self, sub: str) -> dict:
        return {"sub": sub, LTI + "message_type": "LtiDeepLinkingRequest", LTI + "roles": [INSTRUCTOR],
                LTI + "target_link_uri": "http://testserver/lti/launch/",
                DL + "deep_linking_settings": {"deep_link_return_url": f"{ISS}/deep-link-return",
                                               "accept_types": ["ltiResourceLink"],
                                               "accept_presentation_document_targets": ["iframe", "window"],
                                               "accept_multiple": True, "data": "dl-data-1"}}

    # ---- what the tool calls ----
    def handle(self, method: str, url: str, headers: dict, body) -> tuple[int, dict | None]:
        path = urlparse(url).path
        if method == "GET" and url == self.jwks_url:
            return 200, self.jwks()
        if method == "POST" and url == self.token_url:
            form = {k: v[0] for k, v in parse_qs(body if isinstance(body, str) else body.decode()).items()}
            assertion = form.get("client_assertion", "")
            claims = self._check_assertion(assertion)
            self.token_requests.append({"form": form, "claims": claims})
            if claims is None:
                return 401, {"error": "invalid_client"}
            return 200, {"access_token": "token-" + uuid.uuid4().hex, "token_type": "Bearer", "expires_in": 3600,
                         "scope": form.get("scope", "")}
        authorised = headers.get("Authorization", "").startswith("Bearer token-")
        if method == "POST" and path == urlparse(self.lineitem_url).path + "/scores":
            if not authorised:
                return 401, None
            self.scores.append({"url": url, "body": json.loads(body), "content_type": headers.get("Content-Type")})
            return 200, {}
        if method == "GET" and url == self.memberships_url:
            if not authorised:
                return 401, None
            return 200, {"id": url, "context": self.context, "members": self.members}
        return 404, None

    def _check_assertion(self, assertion: str) -> dict | None:
        """The tool's client assertion, verified with the tool's published JWKS (as an LMS does)."""
        try:
            kid = jwt.get_unverified_header(assertion).get("kid")
            keys = {k.get("kid"): k for k in self.tool_jwks()["keys"]}
            key = jwt.PyJWK(keys[kid]).key if kid in keys else jwt.PyJWK(next(iter(keys.values()))).key
            return jwt.decode(assertion, key, algorithms=["RS256"], audience=self.token_url)
        except (jwt.InvalidTokenError, KeyError, StopIteration):
            return None


class _Adapter(BaseAdapter):
    def __init__(self, platform: Platform):
        super().__init__()
        self.platform = platform

    def send(self, request, **kwargs):
        status, payload = self.platform.handle(request.method, request.url, dict(request.headers), request.body)
        response = requests.Response()
        response.status_code, response.url, response.request = status, request.url, request
        response._content = json.dumps(payload).encode() if payload is not None else b""
        response.headers["Content-Type"] = "application/json"
        return response

    def close(self):
        pass


def serve(monkeypatch, platform: Platform) -> None:
    """Every requests.Session the tool opens talks to `platform` only."""
    real = requests.Session

    class EmulatedSession(real):
        def __init__(self):
            super().__init__()
            self.adapters.clear()
            self.mount("https://", _Adapter(platform))
            self.mount("http://", _Adapter(platform))

    monkeypatch.setattr(requests, "Session", EmulatedSession)
