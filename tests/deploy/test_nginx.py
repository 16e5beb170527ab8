"""deploy/nginx/once-and-done.conf: accepted by nginx (`nginx -t`, with a certificate made
here), and, run for real on free ports of 127.0.0.1 in front of the dashboard started as its
systemd unit starts it, answering over TLS, redirecting HTTP, refusing an oversized upload and
upgrading Streamlit's websocket."""

import http.client
import ipaddress
import re
import shlex
import shutil
import ssl
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.sync.client import connect

from tests.browser import free_port, start_server
from tests.deploy import DEPLOY, INSTALLED, need_tool

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = DEPLOY / "nginx" / "once-and-done.conf"
SERVICE = DEPLOY / "systemd" / "once-and-done.service"


@pytest.fixture
def nginx_here():
    need_tool(NGINX, "nginx-light")


@pytest.fixture
def certificate(tmp_path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (with `cryptography`, which Authlib
    brings, so that no openssl command is needed)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _nginx_conf(tmp_path: Path, site: str) -> Path:
    """A whole nginx.conf that includes `site` as /etc/nginx/conf.d would, with every file
    nginx writes kept in tmp_path."""
    (tmp_path / "site.conf").write_text(site)
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    access_log {tmp_path}/access.log;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {tmp_path}/site.conf;
}}
""")
    return conf


def _with_certificate(site: str, cert: Path, key: str | Path) -> str:
    return (site.replace("/etc/ssl/once-and-done/fullchain.pem", str(cert))
            .replace("/etc/ssl/once-and-done/privkey.pem", str(key)))


def test_nginx_accepts_the_configuration(nginx_here, certificate, tmp_path):
    conf = _nginx_conf(tmp_path, _with_certificate(SITE.read_text(), *certificate))
    checked = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(conf),
                              "-e", str(tmp_path / "error.log")],
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    assert "[warn]" not in checked.stderr


def _dashboard_flags(port: int, secrets: Path) -> tuple[str, ...]:
    """The flags of the unit's ExecStart after `streamlit run serve.py`, on `port`, reading
    `secrets`, so that Streamlit itself accepts every one of them."""
    text = SERVICE.read_text().replace("\\\n", " ")
    command = shlex.split(re.search(r"^ExecStart=(.*)$", text, re.M).group(1))
    assert command[:5] == [f"{INSTALLED}/.venv/bin/python", "-m", "streamlit", "run", "serve.py"]
    flags = " ".join(command[5:])
    flags = flags.replace("--server.port 8501", f"--server.port {port}")
    flags = flags.replace("/etc/once-and-done/secrets.toml", str(secrets))
    return tuple(flags.split())


def test_nginx_serves_the_dashboard_over_tls_with_its_websocket(nginx_here, certificate,
                                                                tmp_path):
    ports = set()
    while len(ports) < 3:  # a port given back may be handed out again at once
        ports.add(free_port())
    http_port, https_port, app_port = sorted(ports)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("# no [auth]: every visitor is signed out, which is enough here\n")
    dashboard = start_server(
        {"WAREHOUSE_URL": f"sqlite:///{tmp_path / 'warehouse.db'}",
         "ONCE_AND_DONE_ENVIRONMENT": "production"},
        tmp_path / "dashboard.log", port=app_port,
        flags=_dashboard_flags(app_port, secrets))
    site = _with_certificate(SITE.read_text(), *certificate)
    site = re.sub(r"^\s*listen \[::\].*\n", "", site, flags=re.M)  # no IPv6 in a container
    site = (site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
            .replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
            .replace("server 127.0.0.1:8501;", f"server 127.0.0.1:{app_port};"))
    conf = _nginx_conf(tmp_path, site)
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-e",
                              str(tmp_path / "error.log"), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        tls = ssl.create_default_context(cafile=str(certificate[0]))
        _wait_for(lambda: _get(http.client.HTTPSConnection("127.0.0.1", https_port, context=tls,
                                                           timeout=5), "/_stcore/health"))

        plain = _get(http.client.HTTPConnection("127.0.0.1", http_port, timeout=5), "/papers")
        assert plain.status == 301
        assert plain.getheader("Location") == "https://127.0.0.1/papers"

        health = _get(http.client.HTTPSConnection("127.0.0.1", https_port, context=tls,
                                                  timeout=5), "/_stcore/health")
        assert (health.status, health.body) == (200, b"ok")
        assert health.getheader("Strict-Transport-Security") == "max-age=63072000"
        assert health.getheader("X-Frame-Options") == "DENY"

        # An 11 MB upload is refused from its headers, over client_max_body_size 10m.
        upload = http.client.HTTPSConnection("127.0.0.1", https_port, context=tls, timeout=10)
        upload.putrequest("PUT", "/_stcore/upload_file/x/y")
        upload.putheader("Content-Length", str(11 * 1024 * 1024))
        upload.endheaders()
        assert upload.getresponse().status == 413
        upload.close()

        with connect(f"wss://127.0.0.1:{https_port}/_stcore/stream", ssl=tls,
                     subprotocols=["streamlit"], open_timeout=20) as stream:
            assert stream.response.status_code == 101
            assert stream.subprotocol == "streamlit"
    finally:
        nginx.terminate()
        errors = nginx.communicate(timeout=10)[1].decode()
        dashboard.stop()
    assert "Traceback" not in dashboard.log_text()
    logged = [line for line in (tmp_path / "error.log").read_text().splitlines()
              if "[error]" in line or "[emerg]" in line or "[crit]" in line]
    assert errors == ""
    assert [line for line in logged if "too large body" not in line] == []  # the 413 above


class _Answer:
    def __init__(self, response: http.client.HTTPResponse):
        self.status, self.body = response.status, response.read()
        self.getheader = response.getheader


def _get(conn: http.client.HTTPConnection, path: str) -> _Answer:
    try:
        conn.request("GET", path)
        return _Answer(conn.getresponse())
    finally:
        conn.close()


def _wait_for(attempt, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            attempt()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)

