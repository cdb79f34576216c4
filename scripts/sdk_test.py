"""The Python client (clients/python) and Vienna OS's published SDKs against a live `writ serve`:
the client's pytest suite, which also drives every method of `vienna-sdk` and `vienna-os`.

    sdk_test.py BINARY SOCKET_DIR DATABASE [PYTEST ARGUMENTS]

The client is installed as a user would, `pip install ./clients/python`, into a fresh virtual
environment (its declared dependencies come from the package registry). The node mails to a
directory the tests read invitations from; warrants name the node's own URL as issuer
(WRIT_PUBLIC_URL defaults to the listening address).
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import served  # noqa: E402

binary, socket_dir, database = sys.argv[1:4]
venv = tempfile.mkdtemp(prefix="writ-sdk-venv-")
subprocess.run([sys.executable, "-m", "venv", venv], check=True)
python = os.path.join(venv, "bin", "python")
# The frameworks the integrations are tested with, each driven by its own agent loop and scripted model (no network):
# LangChain/LangGraph, the OpenAI Agents SDK, and a real MCP upstream server for the gateway.
subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "./clients/python[mcp]", "pytest",
                "vienna-sdk==0.1.0", "vienna-os==0.1.0", "langchain-core==1.8.1", "langgraph==1.2.22", "openai-agents==0.24.0",
                "mcp-server-time==2026.10.19"], check=True)
mail = tempfile.mkdtemp(prefix="writ-sdk-mail-")
process, node = served.start(binary, socket_dir, database, served.environment(WRIT_MAIL_DIR=mail, WRIT_TRUST_PROXY="true"))
try:
    result = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "clients/python/tests", *sys.argv[4:]],
                            env=dict(os.environ, WRIT_TEST_NODE=node, WRIT_TEST_MAIL=mail, WRIT_TEST_ISSUER=node))
finally:
    process.terminate()
    process.wait(timeout=30)
sys.exit(f"sdk_test: the client's tests failed (exit {result.returncode})" if result.returncode else 0)
