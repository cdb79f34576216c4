"""Reads a superuser dump (pg_dumpall) on standard input and fails if it holds any secret that
works: an API key or its request-signing secret, a session, invitation or board-link token, or a
signed warrant.

Writ stores only keyed hashes of tokens and keys, derives mailed links at delivery, and keeps
warrants without their signature (sealed separately), so a clean run finds nothing.
"""
import base64
import json
import re
import sys

TOKENS = re.compile(r"\b(?:wsb_|wsi_|wss_|wsk_)[A-Za-z0-9_-]{20,}|\bwrit_[A-Za-z0-9]{20,}")
JWS = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)")


def header(token):
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


findings = []
lines = 0
for line in sys.stdin:
    lines += 1
    for match in TOKENS.finditer(line):
        findings.append(("token", match.group(0)[:12] + "…"))
    for match in JWS.finditer(line):
        try:
            if header(match.group(0)).get("typ") == "writ-warrant+jwt":
                findings.append(("signed warrant", match.group(0)[:24] + "…"))
        except ValueError:
            continue
if lines == 0:
    sys.exit("check_dump: the dump is empty")
for kind, text in findings[:20]:
    print(f"check_dump: a working {kind} is stored: {text}", file=sys.stderr)
if findings:
    sys.exit(f"check_dump: {len(findings)} usable secrets in {lines} dumped lines")
print(f"check_dump: {lines} dumped lines, no usable secret")
