"""Checks certificates made by Sickle against the ones chia 2.7.5 makes, and against OpenSSL.

usage: interop_certs.py SICKLE_ROOT

SICKLE_ROOT holds a CA and farmer/harvester certificates created entirely by Sickle
(`interop_peer certs ROOT`). This script makes a CA and node certificate with chia's own
`make_ca_cert` / `generate_ca_signed_cert` and compares the two field by field (names and their
order, extensions and criticality, signature algorithm, key size and exponent, validity), then
runs a TLS handshake between chia's `ssl_context_for_server` and `ssl_context_for_client` built
from Sickle's files. Prints one line per check; exits non-zero on the first difference.
"""

import asyncio
import datetime
import sys
import tempfile
from pathlib import Path

from cryptography import x509

from chia.server.server import ssl_context_for_client, ssl_context_for_server
from chia.ssl.create_ssl import generate_ca_signed_cert, make_ca_cert


def shape(cert: x509.Certificate) -> dict:
    key = cert.public_key()
    return {
        "version": cert.version.name,
        "subject": [(a.oid.dotted_string, a.value, a._type.name) for a in cert.subject],
        "issuer": [(a.oid.dotted_string, a.value, a._type.name) for a in cert.issuer],
        "signature": cert.signature_algorithm_oid.dotted_string,
        "key_bits": key.key_size,
        "exponent": key.public_numbers().e,
        "extensions": [(e.oid.dotted_string, e.critical, repr(e.value)) for e in cert.extensions],
        "serial_ok": 0 < cert.serial_number < 2**159,
    }


def validity(cert: x509.Certificate) -> tuple[datetime.datetime, datetime.datetime]:
    return cert.not_valid_before_utc, cert.not_valid_after_utc


def fail(message: str) -> None:
    print(f"FAIL {message}")
    sys.exit(1)


def main() -> int:
    root = Path(sys.argv[1])
    ssl_dir = root / "config" / "ssl"
    sickle_ca = x509.load_pem_x509_certificate((ssl_dir / "ca" / "private_ca.crt").read_bytes())
    sickle_node = x509.load_pem_x509_certificate(
        (ssl_dir / "harvester" / "private_harvester.crt").read_bytes()
    )
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        make_ca_cert(t / "ca.crt", t / "ca.key")
        generate_ca_signed_cert((t / "ca.crt").read_bytes(), (t / "ca.key").read_bytes(), t / "n.crt", t / "n.key")
        chia_ca = x509.load_pem_x509_certificate((t / "ca.crt").read_bytes())
        chia_node = x509.load_pem_x509_certificate((t / "n.crt").read_bytes())

    for what, ours, theirs in [("ca", sickle_ca, chia_ca), ("node", sickle_node, chia_node)]:
        a, b = shape(ours), shape(theirs)
        for field in a:
            if a[field] != b[field]:
                fail(f"{what} {field}: sickle {a[field]!r} != chia {b[field]!r}")
        print(f"ok {what} certificate has chia's shape: {sorted(a)}")

    # Validity windows: CA now .. now+3650 days; node now-1 day .. 2100-08-02.
    now = datetime.datetime.now(datetime.timezone.utc)
    slack = datetime.timedelta(minutes=10)
    start, end = validity(sickle_ca)
    if abs(start - now) > slack or abs((end - start) - datetime.timedelta(days=3650)) > datetime.timedelta(seconds=5):
        fail(f"ca validity {start} .. {end}")
    start, end = validity(sickle_node)
    if abs(start - (now - datetime.timedelta(days=1))) > slack or end != datetime.datetime(2100, 8, 2, tzinfo=datetime.timezone.utc):
        fail(f"node validity {start} .. {end}")
    if sickle_node.issuer != sickle_ca.subject:
        fail("node issuer is not the ca subject")
    sickle_ca.public_key().verify(
        sickle_node.signature,
        sickle_node.tbs_certificate_bytes,
        __import__("cryptography.hazmat.primitives.asymmetric.padding", fromlist=["PKCS1v15"]).PKCS1v15(),
        sickle_node.signature_hash_algorithm,
    )
    print("ok validity windows and the ca signature on the node certificate")

    async def tls_round_trip() -> str:
        ca_crt, ca_key = ssl_dir / "ca" / "private_ca.crt", ssl_dir / "ca" / "private_ca.key"
        server_ctx = ssl_context_for_server(
            ca_crt, ca_key, ssl_dir / "farmer" / "private_farmer.crt", ssl_dir / "farmer" / "private_farmer.key"
        )
        client_ctx = ssl_context_for_client(
            ca_crt, ca_key, ssl_dir / "harvester" / "private_harvester.crt", ssl_dir / "harvester" / "private_harvester.key"
        )

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(await reader.readexactly(4))
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=server_ctx)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=client_ctx)
        writer.write(b"ping")
        echoed = await reader.readexactly(4)
        version = writer.get_extra_info("ssl_object").version()
        writer.close()
        server.close()
        await server.wait_closed()
        if echoed != b"ping":
            fail("tls echo")
        return version

    version = asyncio.run(tls_round_trip())
    print(f"ok chia's own ssl contexts accept sickle's ca and certificates ({version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
