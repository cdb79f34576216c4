"""The TypeScript client (clients/typescript, npm name @writ/client) against a live `writ serve`.

    typescript_test.py BINARY SOCKET_DIR DATABASE [NODE --test ARGUMENTS]

The client has no dependencies and no registry is needed: it is compiled with Debian's TypeScript
(`tsc -p clients/typescript`, strict, into clients/typescript/dist, which git ignores), its
published declarations are type-checked by a strict consumer (`tsc -p clients/typescript/test/types`),
and its `node --test` suite (clients/typescript/test/*.test.mjs, importing dist) runs against a
node that mails to a directory the tests read invitations from. Warrants name the node's own URL
as issuer (WRIT_PUBLIC_URL defaults to the listening address). No test may be skipped: a skipped
live test means the node was not found.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import served  # noqa: E402

CLIENT = "clients/typescript"


def fail(message):
    sys.exit(f"typescript_test: {message}")


binary, socket_dir, database = sys.argv[1:4]
for tool in ("node", "tsc"):
    if shutil.which(tool) is None:
        fail(f"`{tool}` is not on PATH (apt-get install nodejs node-typescript)")
version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
if int(version.lstrip("v").split(".")[0]) < 20:
    fail(f"the client needs Node.js 20 or newer (WebCrypto Ed25519, node --test), not {version}")

# A clean build, as a user's `npm run build` makes it.
shutil.rmtree(os.path.join(CLIENT, "dist"), ignore_errors=True)
subprocess.run(["tsc", "-p", CLIENT], check=True)
subprocess.run(["tsc", "-p", os.path.join(CLIENT, "test", "types")], check=True)

tests = sorted(glob.glob(os.path.join(CLIENT, "test", "*.test.mjs")))
if not tests:
    fail("no test files in clients/typescript/test")
mail = tempfile.mkdtemp(prefix="writ-ts-mail-")
process, node = served.start(binary, socket_dir, database, served.environment(WRIT_MAIL_DIR=mail, WRIT_TRUST_PROXY="true"))
try:
    run = subprocess.Popen(["node", "--test", "--test-reporter=tap", *sys.argv[4:], *tests], stdout=subprocess.PIPE, text=True,
                           env=dict(os.environ, WRIT_TEST_NODE=node, WRIT_TEST_MAIL=mail, WRIT_TEST_ISSUER=node))
    output = []
    for line in run.stdout:
        sys.stdout.write(line)
        output.append(line)
    returncode = run.wait(timeout=900)
finally:
    process.terminate()
    process.wait(timeout=30)
    shutil.rmtree(mail, ignore_errors=True)

summary = dict(re.findall(r"^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$", "".join(output), re.MULTILINE))
if returncode:
    fail(f"the client's tests failed (exit {returncode}; {summary})")
if summary.get("skipped", "0") != "0" or summary.get("todo", "0") != "0" or summary.get("tests", "0") == "0":
    fail(f"tests were skipped or none ran: {summary}")
print(f"typescript_test: {summary.get('pass')} of {summary.get('tests')} tests passed")
