"""The app's HTTP clients share one TLS context (hexa/core/tls.py): made once, it still
verifies servers' certificates as httpx's default does."""

import datetime
import ssl

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from hexa.core.tls import tls_context

from .support.http_servers import answering, serving


@pytest.fixture
def self_signed_server(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    with serving(answering(b"ok"), context) as server:
        yield f"https://localhost:{server.server_address[1]}/", tmp_path / "cert.pem"


def test_one_context_per_process_that_verifies_certificates_and_host_names():
    assert tls_context() is tls_context()
    assert tls_context().verify_mode == ssl.CERT_REQUIRED and tls_context().check_hostname


def test_a_server_whose_certificate_no_authority_signed_is_refused_by_every_client(self_signed_server):
    url, certificate = self_signed_server
    for _ in range(2):  # a second client, on the same context, refuses it as well
        with httpx.Client(verify=tls_context(), trust_env=False) as client, pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            client.get(url)
    # the same server, its certificate trusted: the refusal was the certificate's
    trusting = ssl.create_default_context(cafile=certificate)
    with httpx.Client(verify=trusting, trust_env=False) as client:
        assert client.get(url).text == "ok"
