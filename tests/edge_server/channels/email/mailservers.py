"""Real mail servers for the email channel's tests: Debian's dovecot (IMAP) and aiosmtpd (SMTP).

Dovecot runs from a config in the test's tmp_path, in the foreground, on 127.0.0.1 and a free port.
Unprivileged (a normal user): every dovecot service runs as that user, chroots are off, mail belongs to
that user. As root (CI containers): dovecot refuses to log in to uid 0 and to run imap-login as root, so
login runs as the packaged ``dovenull``/``dovecot`` users (chrooted by the master, as usual) and mail as
``nobody``, chrooted into the mail directory (``home=<mail>/./<user>``) so that the 0700 pytest
directories above it need not be opened.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime
import getpass
import grp
import ipaddress
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session, SMTP

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class TlsFiles:
    cert: Path
    key: Path

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(str(self.cert), str(self.key))
        return ctx


def self_signed(dirpath: Path, host: str = "127.0.0.1") -> TlsFiles:
    """A self-signed certificate for 127.0.0.1 / localhost (also its own CA for the client)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "switchboard test mail")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host)),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    dirpath.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(cert=dirpath / "cert.pem", key=dirpath / "key.pem")
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    os.chmod(files.key, 0o600)
    return files


@dataclass
class Dovecot:
    root: Path
    users: dict[str, str]  # address → password
    tls: TlsFiles | None = None
    idle: bool = True  # False: the server does not advertise IDLE (clients must poll)
    port: int = 0
    tls_port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    mail_uid: int = field(default_factory=os.getuid)
    mail_gid: int = field(default_factory=os.getgid)

    @property
    def as_root(self) -> bool:
        return os.geteuid() == 0

    @property
    def mail_dir(self) -> Path:
        return self.root / "mail"

    def maildir(self, user: str) -> Path:
        return self.mail_dir / user / "Maildir"

    def _config(self) -> str:
        r = self.root
        if self.as_root:
            internal, internal_group, login = "dovecot", "dovecot", "dovenull"
            home = f"{self.mail_dir}/./%u"  # "/./": chroot here, then the home inside
            extra = f"valid_chroot_dirs = {self.mail_dir}\nservice auth {{\n  user = root\n}}\n"
        else:
            internal = login = getpass.getuser()
            internal_group = grp.getgrgid(os.getgid()).gr_name
            home = f"{self.mail_dir}/%u"
            extra = ("service anvil {\n  chroot =\n}\n"
                     "service imap-login {\n  chroot =\n}\n")
        ssl_conf = (f"ssl = yes\nssl_cert = <{self.tls.cert}\nssl_key = <{self.tls.key}\n"
                    if self.tls else "ssl = no\n")
        caps = ("" if self.idle else
                "imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS NAMESPACE\n")
        return f"""# switchboard test dovecot (generated)
protocols = imap
listen = 127.0.0.1
base_dir = {r}/run
state_dir = {r}/state
instance_name = sbtest-{uuid.uuid4().hex[:8]}
log_path = {r}/dovecot.log
info_log_path = {r}/dovecot.log
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
{ssl_conf}disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mailbox_idle_check_interval = 1 secs
{caps}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {r}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {r}/users
  default_fields = home={home}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port}
  }}
}}
{extra}"""

    def _prepare(self) -> None:
        for d in ("run", "state"):
            (self.root / d).mkdir(parents=True, exist_ok=True)
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            nobody = pwd.getpwnam("nobody")
            self.mail_uid, self.mail_gid = nobody.pw_uid, nobody.pw_gid
            os.chmod(self.mail_dir, 0o711)  # the chroot: its users must be able to enter it
        lines = []
        for user, password in self.users.items():
            home = self.mail_dir / user
            for sub in ("", "Maildir", "Maildir/new", "Maildir/cur", "Maildir/tmp"):
                (home / sub).mkdir(exist_ok=True)
                os.chown(home / sub, self.mail_uid, self.mail_gid)
            lines.append(f"{user}:{{PLAIN}}{password}:{self.mail_uid}:{self.mail_gid}::::")
        (self.root / "users").write_text("\n".join(lines) + "\n")

    def start(self, timeout: float = 10.0) -> None:
        self._prepare()
        for _attempt in range(3):  # a free port can be taken between our probe and dovecot's bind
            self.port, self.tls_port = free_port(), (free_port() if self.tls else 0)
            (self.root / "dovecot.conf").write_text(self._config())
            with contextlib.suppress(FileNotFoundError):
                (self.root / "dovecot.log").unlink()
            self.proc = subprocess.Popen([DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
            if self._wait_ready(timeout):
                return
            self.stop()
        raise RuntimeError(f"dovecot did not start: {self.log()}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(200).startswith(b"* OK"):
                        return True
            except OSError:
                time.sleep(0.05)
        return False

    def log(self) -> str:
        p = self.root / "dovecot.log"
        err = b""
        if self.proc is not None and self.proc.stderr is not None and self.proc.poll() is not None:
            err = self.proc.stderr.read()
        return (p.read_text(errors="replace") if p.exists() else "") + err.decode(errors="replace")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            # dovecot's master lingers ~1 s on SIGTERM waiting for its children; a test's throw-away
            # server (its own process group, started by us) can be ended at once after a short grace.
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(0.3)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        self.proc = None

    def deliver(self, user: str, raw: bytes) -> Path:
        """Local delivery the way an MDA does it: write in tmp/, then rename into new/ (atomic)."""
        md = self.maildir(user)
        name = f"{time.time_ns()}.{uuid.uuid4().hex}.sbtest"
        tmp = md / "tmp" / name
        tmp.write_bytes(raw)
        os.chown(tmp, self.mail_uid, self.mail_gid)
        os.chmod(tmp, 0o600)
        final = md / "new" / name
        os.rename(tmp, final)
        return final


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes


class DeliveringHandler:
    """aiosmtpd handler: local users' mail goes into dovecot's maildir, everything is also recorded.

    ``reject_rcpt`` / ``reject_data`` map an address to an SMTP reply (e.g. "550 5.1.1 no such user")
    to simulate refusals before and after DATA.
    """

    def __init__(self, dovecot: Dovecot | None) -> None:
        self.dovecot = dovecot
        self.received: list[Received] = []
        self.reject_rcpt: dict[str, str] = {}
        self.reject_data: dict[str, str] = {}
        self.on_data: Callable[[Envelope], None] | None = None
        self.arrived = asyncio.Event()  # set from the server's thread; tests poll .received

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address.lower() in self.reject_rcpt:
            return self.reject_rcpt[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        for rcpt in envelope.rcpt_tos:
            if rcpt.lower() in self.reject_data:
                return self.reject_data[rcpt.lower()]
        data = bytes(envelope.content or b"")
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), data))
        if self.dovecot is not None:
            for rcpt in envelope.rcpt_tos:
                if rcpt.lower() in self.dovecot.users:
                    self.dovecot.deliver(rcpt.lower(), data)
        return "250 2.0.0 OK queued"


class Authenticator:
    def __init__(self, users: dict[str, str]) -> None:
        self.users = users

    def __call__(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                 auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user, pw = auth_data.login.decode(), auth_data.password.decode()
            if self.users.get(user) == pw:
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


class SmtpServer:
    """aiosmtpd in its own thread on 127.0.0.1:<free port>; STARTTLS and AUTH when given."""

    def __init__(self, handler: DeliveringHandler, *, tls: TlsFiles | None = None,
                 users: dict[str, str] | None = None) -> None:
        self.handler = handler
        self.port = free_port()
        kwargs: dict[str, Any] = {}
        if tls is not None:
            kwargs.update(tls_context=tls.server_context(), require_starttls=True)
        if users:
            kwargs.update(authenticator=Authenticator(users), auth_required=True, auth_require_tls=tls is not None)
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def sender_of(raw: bytes) -> str:
    import email
    from email import policy
    return parseaddr(str(email.message_from_bytes(raw, policy=policy.default).get("From", "")))[1]
