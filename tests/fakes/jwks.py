"""A token issuer for tests: an RSA key made here (``cryptography``), its JWKS served on
127.0.0.1 as Microsoft serves its signing keys, and tokens signed with it::

    with FakeIssuer() as issuer:
        token = issuer.token(iss="https://api.botframework.com", aud=APP_ID,
                             serviceurl="https://smba.trafficmanager.net/uk/")
        issuer.jwks_url          # give this to TokenPolicy(jwks={issuer_name: ...})
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.fakes.loopback import LoopbackServer

KEY_ID = "test-signing-key"


class FakeIssuer(LoopbackServer):
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        body = json.dumps({"keys": [jwk | {"kid": KEY_ID, "use": "sig", "alg": "RS256"}]})
        self.fetches = 0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                issuer.fetches += 1
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        super().__init__(Handler)

    @property
    def jwks_url(self) -> str:
        return f"{self.base}/keys"

    def token(self, **claims: Any) -> str:
        now = int(time.time())
        payload = {"iat": now, "nbf": now, "exp": now + 600} | claims
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": KEY_ID})
