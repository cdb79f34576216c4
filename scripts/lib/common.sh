# Shared by scripts/run, scripts/test and scripts/bench. Source it; it defines functions only.

WRIT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ -d /opt/swift/usr/bin ] && case ":$PATH:" in *:/opt/swift/usr/bin:*) ;; *) PATH="/opt/swift/usr/bin:$PATH" ;; esac

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $* (install sudo or run as root)"; fi
}

# Installs the Debian packages Writ builds and runs against (plus any named as arguments), only
# those missing.
install_dependencies() {
  local wanted=(pkg-config libpq-dev libssl-dev libargon2-dev postgresql python3 curl "$@")
  local missing=()
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get to install them"
    log "installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v swift >/dev/null 2>&1 || die "no Swift toolchain on PATH (expected /opt/swift/usr/bin)"
}

# The newest installed PostgreSQL server binaries.
pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$dir/initdb" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  printf '%s\n' "$dir"
}

# Runs a PostgreSQL server command as the cluster's owner (postgres refuses to run as root).
as_pg_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Creates (if new) and starts a private cluster in $1 with its Unix socket in $1/run.
# Only the socket is opened, no TCP port; trust authentication is safe because only the owner
# (and root) can enter the socket directory. With $2 = throwaway (the test suite's cluster) data
# is not forced to disk: the suite kills processes, never the machine, and a killed server's
# writes are safe in the kernel's page cache, while fsyncs from a hundred tests at once starved a
# slow CI disk until connections timed out.
start_cluster() {
  local dir=$1 kind=${2:-durable} bin
  bin=$(pg_bindir)
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "creating a PostgreSQL cluster in $dir"
    as_pg_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    as_pg_owner mkdir -p "$dir/run"
    cat <<CONF | as_pg_owner tee -a "$dir/data/postgresql.conf" >/dev/null
listen_addresses = ''
unix_socket_directories = '$dir/run'
unix_socket_permissions = 0700
max_connections = 400
shared_buffers = 256MB
fsync = on
CONF
    if [ "$kind" = throwaway ]; then
      # Every test of the suite runs its own server (a pool, a listener) at once.
      printf 'fsync = off\nmax_connections = 1000\n' | as_pg_owner tee -a "$dir/data/postgresql.conf" >/dev/null
      # TLS on a loopback address of its own (no other cluster's port 5432 is in the way), with a
      # self-signed certificate: the tests of libpq's TLS reads (WRIT_TEST_TLS_DATABASE_URL).
      local address="127.$((RANDOM % 200 + 20)).$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))"
      as_pg_owner openssl req -new -x509 -days 3 -nodes -subj /CN=writ-test -keyout "$dir/data/server.key" \
        -out "$dir/data/server.crt" >/dev/null 2>&1 || die "openssl could not make a test certificate"
      as_pg_owner chmod 600 "$dir/data/server.key"
      printf "ssl = on\nlisten_addresses = '%s'\n" "$address" | as_pg_owner tee -a "$dir/data/postgresql.conf" >/dev/null
      echo "hostssl all all 127.0.0.0/8 trust" | as_pg_owner tee -a "$dir/data/pg_hba.conf" >/dev/null
      echo "$address" | as_pg_owner tee "$dir/tls_address" >/dev/null
    fi
  fi
  if ! as_pg_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_pg_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null \
      || { tail -n 20 "$dir/postgres.log" >&2; die "PostgreSQL did not start"; }
  fi
}

stop_cluster() {
  local dir=$1 bin
  bin=$(pg_bindir)
  [ -f "$dir/data/PG_VERSION" ] && as_pg_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# Creates database $2 in the cluster at $1 unless it exists.
create_database() {
  local dir=$1 name=$2 bin
  bin=$(pg_bindir)
  if ! as_pg_owner "$bin/psql" -h "$dir/run" -U postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = '$name'" postgres | grep -q 1; then
    as_pg_owner "$bin/createdb" -h "$dir/run" -U postgres "$name"
  fi
}

# Whether the postgres user can reach directory $1 (parents must be traversable).
pg_owner_can_reach() {
  [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$1"
}

# A Python virtual environment under .build/ with the packages the independent verifiers, the
# Cedar comparison and the browser test (selenium, axe-core) use;
# prints its path. Created once, then reused.
prepare_python_env() {
  local env="$WRIT_ROOT/.build/python-env"
  if [ ! -x "$env/bin/python" ] || ! "$env/bin/python" -c 'import rfc8785, cryptography, jwt, cedarpy, aiosmtpd, openapi_spec_validator, schemathesis, selenium, axe_selenium_python, standardwebhooks' 2>/dev/null; then
    log "preparing the Python environment for the independent verifiers and the browser test"
    python3 -m venv "$env" >&2
    "$env/bin/pip" install --quiet --disable-pip-version-check rfc8785 cryptography pyjwt cedarpy aiosmtpd openapi-spec-validator schemathesis \
      selenium axe-selenium-python standardwebhooks >&2
  fi
  printf '%s\n' "$env"
}
