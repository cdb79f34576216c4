#!/usr/bin/env python3
"""A local SMTP server for the mail tests (aiosmtpd), with TLS and authentication.

    smtp_server.py DIR PORT MODE [USER PASSWORD]

MODE is `starttls` (STARTTLS required before anything else), `smtps` (TLS from the first byte)
or `plain` (no TLS offered). With USER and PASSWORD, AUTH is required and only inside TLS.
A fresh self-signed certificate for 127.0.0.1 and localhost is written to DIR/cert.pem (the
test trusts it through WRIT_SMTP_CA_FILE). Each message is written to DIR/mail/N.eml, next to
DIR/mail/N.json saying who logged in, whether the session was TLS and the envelope. Every AUTH
attempt, successful or not, is appended to DIR/auth.log. DIR/ready appears once it listens.
With WRIT_SMTP_ECHO_AUTH=1 a refused AUTH is answered with the credentials it carried.
"""
import base64
import datetime
import ipaddress
import json
import os
import socket
import ssl
import sys
import threading
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def make_certificate(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "writ test smtp")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with open(cert_path, "wb") as f:
        f.write(certificate.public_bytes(serialization.Encoding.PEM))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context


class Mailbox:
    def __init__(self, directory, implicit_tls):
        self.implicit_tls = implicit_tls
        self.directory = os.path.join(directory, "mail")
        os.makedirs(self.directory, exist_ok=True)
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            number = self.count
        base = os.path.join(self.directory, str(number))
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + ".json", "w") as f:
            # With smtps the socket is TLS from the first byte (aiosmtpd only flags STARTTLS).
            json.dump({"authenticated": bool(session.authenticated), "tls": session.ssl is not None or self.implicit_tls, "mail_from": envelope.mail_from,
                       "rcpt_tos": envelope.rcpt_tos}, f)
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 OK"


def main():
    directory, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    user, password = (sys.argv[4], sys.argv[5]) if len(sys.argv) > 5 else (None, None)
    os.makedirs(directory, exist_ok=True)
    context = make_certificate(directory)
    auth_log = os.path.join(directory, "auth.log")

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
        with open(auth_log, "a") as f:
            f.write(json.dumps({"mechanism": mechanism, "tls": session.ssl is not None or mode == "smtps", "accepted": ok}) + "\n")
        if not ok and os.environ.get("WRIT_SMTP_ECHO_AUTH") and isinstance(auth_data, LoginPassword):
            # As some servers do: the refusal echoes the command, credentials and all.
            echoed = base64.b64encode(b"\0" + auth_data.login + b"\0" + auth_data.password).decode()
            return AuthResult(success=False, handled=False, message=f"535 5.7.8 authentication failed for [AUTH PLAIN {echoed}]")
        return AuthResult(success=ok, handled=False)

    options = {"hostname": "127.0.0.1", "port": port, "server_hostname": "localhost"}
    if user is not None:
        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
    if mode == "starttls":
        options.update(tls_context=context, require_starttls=True)
    elif mode == "smtps":
        # aiosmtpd hides AUTH behind auth_require_tls unless STARTTLS was used; here every byte is TLS.
        options.update(ssl_context=context, auth_require_tls=False)
    controller = Controller(Mailbox(directory, mode == "smtps"), **options)
    if mode == "smtps":
        # The controller's own readiness probe would not trust the self-signed certificate.
        def trigger():
            probe = ssl.create_default_context(cafile=os.path.join(directory, "cert.pem"))
            with socket.create_connection(("127.0.0.1", port)) as raw, probe.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                tls.recv(1024)
        controller._trigger_server = trigger
    controller.start()
    open(os.path.join(directory, "ready"), "w").close()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
