// Shows whether the server and its database are ready.
const status = document.getElementById("status");

async function check() {
  try {
    const response = await fetch("/readyz", { headers: { accept: "application/json" } });
    const body = await response.json();
    status.dataset.state = response.ok ? "ready" : "down";
    status.textContent = response.ok ? `Ready (schema version ${body.schema_version}).` : `Not ready: ${body.detail}`;
  } catch {
    status.dataset.state = "down";
    status.textContent = "The server is not answering.";
  }
}

check();
