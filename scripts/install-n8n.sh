#!/usr/bin/env bash
# Installs the real n8n used by the e2e tests into .n8n-cache/ (ignored by git).
#
#   scripts/install-n8n.sh                 n8n 2.x (n8n/package.json) + Node 24  -> .n8n-cache/n8n-2, .n8n-cache/node24
#   scripts/install-n8n.sh v1              n8n 1.x (n8n/v1/package.json), Node 20 -> .n8n-cache/n8n-1
#   scripts/install-n8n.sh --with-chromium also installs Debian chromium (apt-get) when /usr/bin/chromium is missing
#   scripts/install-n8n.sh --with-queue    also installs Debian postgresql and redis-server (apt-get) when missing,
#                                          for queue mode (the harness runs them as local processes, nothing else)
#   scripts/install-n8n.sh --with-openssl  also installs Debian openssl when missing (the bench's HTTPS sandbox)
#   scripts/install-n8n.sh --with-registry also installs the local npm registry (Verdaccio, pinned in n8n/registry/)
#                                          into .n8n-cache/registry-server, and Debian openssl when missing (its proxy
#                                          gets a certificate made for each run; scripts/n8n/registry.ts)
#   (N8N_CACHE_DIR=<dir> installs there instead of .n8n-cache/)
#
# Idempotent: a marker file in each target folder records what was installed (version + hash of the
# package.json/lock pair); when it matches, the step is skipped, so a second run takes seconds.
#
# Why not plain `npm install` / `npm ci` (see /work/shared/n8n-local.md):
# - n8n's Kafka node has a native module whose install script downloads from outside the npm registry and
#   fails, which rolls back the whole install: install with --ignore-scripts, then build the one native
#   module n8n needs (sqlite3) with `npm rebuild sqlite3`. sqlite3 compiles from source against the Node
#   headers the machine's npm `nodedir` points at (N-API, so the Node 20 headers also serve Node 24).
# - `npm ci` refuses the lock here (non-Linux optional packages are missing from the mirror); `npm install`
#   with the lock present works and leaves the lock unchanged.
# - n8n 2.38+ requires Node >= 24: Node 24 comes from the npm registry (`node` package) and is put first on
#   PATH for n8n only; the project's own build and tests stay on Node 20.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# N8N_CACHE_DIR: install somewhere else (a CI cache, a cold-install measurement); the harness reads it too
CACHE="${N8N_CACHE_DIR:-$ROOT/.n8n-cache}"
NODE24_SPEC="${NODE24_SPEC:-24}"
NPM_FLAGS=(--no-audit --no-fund --loglevel=error)

LINE="2"
WITH_CHROMIUM=0
WITH_QUEUE=0
WITH_OPENSSL=0
WITH_REGISTRY=0
for arg in "$@"; do
	case "$arg" in
		v1 | 1) LINE="1" ;;
		v2 | 2) LINE="2" ;;
		--with-chromium) WITH_CHROMIUM=1 ;;
		--with-queue) WITH_QUEUE=1 ;;
		--with-openssl) WITH_OPENSSL=1 ;;
		--with-registry) WITH_REGISTRY=1 ;;
		-h | --help)
			sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
			exit 0
			;;
		*)
			echo "install-n8n: unknown argument '$arg' (expected: v1, v2, --with-chromium, --with-queue, --with-openssl, --with-registry)" >&2
			exit 2
			;;
	esac
done

START=$SECONDS
log() { printf '[install-n8n %4ss] %s\n' "$((SECONDS - START))" "$*"; }

hash_files() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

mkdir -p "$CACHE"

# ---------------------------------------------------------------------------------------------------------
# Node 24 (only for n8n 2.x)
# ---------------------------------------------------------------------------------------------------------
install_node24() {
	local dir="$CACHE/node24"
	local bin="$dir/node_modules/node/bin/node"
	local marker="$dir/.installed"
	local want="node@$NODE24_SPEC"
	if [[ -x "$bin" && -f "$marker" && "$(head -n1 "$marker")" == "$want" ]] && "$bin" -v >/dev/null 2>&1; then
		log "Node 24 already installed: $("$bin" -v) ($bin)"
		return
	fi
	log "installing $want from the npm registry into ${dir#"$ROOT"/} ..."
	mkdir -p "$dir"
	rm -f "$marker"
	# Own package.json so that npm treats this folder as the project (and not the repo root with its .npmrc).
	[[ -f "$dir/package.json" ]] || printf '{ "name": "node24-runtime", "private": true }\n' >"$dir/package.json"
	# The `node` package installs the platform binary in its own install script: scripts must run here.
	(cd "$dir" && npm install "$want" --ignore-scripts=false "${NPM_FLAGS[@]}")
	if ! "$bin" -v >/dev/null 2>&1; then
		echo "install-n8n: Node 24 binary not usable at $bin" >&2
		exit 1
	fi
	printf '%s\n%s\n' "$want" "$("$bin" -v)" >"$marker"
	log "Node 24 ready: $("$bin" -v)"
}

# ---------------------------------------------------------------------------------------------------------
# n8n (line 1 or 2)
# ---------------------------------------------------------------------------------------------------------
install_n8n() {
	local line="$1" src dir path_prefix=""
	if [[ "$line" == "2" ]]; then
		src="$ROOT/n8n"
		dir="$CACHE/n8n-2"
		path_prefix="$CACHE/node24/node_modules/node/bin:"
	else
		src="$ROOT/n8n/v1"
		dir="$CACHE/n8n-1"
	fi
	local version
	version="$(node -p "require('$src/package.json').dependencies.n8n")"
	local want="n8n@$version $(hash_files "$src/package.json" "$src/package-lock.json")"
	local marker="$dir/.installed"
	local n8n_bin="$dir/node_modules/n8n/bin/n8n"

	if [[ -f "$marker" && "$(head -n1 "$marker")" == "$want" && -f "$n8n_bin" ]]; then
		log "n8n $version already installed in ${dir#"$ROOT"/} (marker matches)"
		return
	fi

	log "installing n8n $version into ${dir#"$ROOT"/} (several minutes on a cold cache) ..."
	mkdir -p "$dir"
	rm -f "$marker"
	cp "$src/package.json" "$dir/package.json"
	local had_lock=0 locked=""
	if [[ -f "$src/package-lock.json" ]]; then
		locked="$(node -p "((require('$src/package-lock.json').packages || {})[''] || {}).dependencies?.n8n || ''")"
	fi
	if [[ -n "$locked" && "$locked" != "$version" ]]; then
		log "${src#"$ROOT"/}/package-lock.json is for n8n $locked but package.json pins $version: re-resolving the lock"
		rm -f "$src/package-lock.json"
	fi
	if [[ -f "$src/package-lock.json" ]]; then
		cp "$src/package-lock.json" "$dir/package-lock.json"
		had_lock=1
	else
		rm -f "$dir/package-lock.json"
		log "no ${src#"$ROOT"/}/package-lock.json yet: resolving from the registry (the lock will be copied back)"
	fi

	log "npm install --ignore-scripts (n8n $version) ..."
	(cd "$dir" && npm install --ignore-scripts "${NPM_FLAGS[@]}")
	log "npm install done"

	if [[ "$had_lock" == "0" ]]; then
		# npm's first resolution leaves "extraneous" entries in the lock that the next install drops: settle
		# it now (seconds), so that the committed lock is the one every later install leaves unchanged
		log "settling the new lock (second npm install) ..."
		(cd "$dir" && npm install --ignore-scripts "${NPM_FLAGS[@]}")
		cp "$dir/package-lock.json" "$src/package-lock.json"
		log "wrote ${src#"$ROOT"/}/package-lock.json (commit it)"
	elif ! cmp -s "$dir/package-lock.json" "$src/package-lock.json"; then
		log "WARNING: npm changed the lock in ${dir#"$ROOT"/}; the committed ${src#"$ROOT"/}/package-lock.json was kept as is"
	fi

	if (cd "$dir" && PATH="$path_prefix$PATH" node -e "require('sqlite3')" >/dev/null 2>&1); then
		log "sqlite3 already built (kept)"
	else
		log "npm rebuild sqlite3 (compiles from source, ~1 min) ..."
		(cd "$dir" && npm rebuild sqlite3 --ignore-scripts=false "${NPM_FLAGS[@]}")
	fi

	log "checking that sqlite3 loads and n8n answers --version ..."
	(cd "$dir" && PATH="$path_prefix$PATH" node -e "require('sqlite3'); console.log('  sqlite3 ok on Node ' + process.version)")
	local reported
	reported="$(cd "$dir" && PATH="$path_prefix$PATH" N8N_USER_FOLDER="$dir/.version-check" N8N_EXPRESSION_ENGINE=legacy node "$n8n_bin" --version 2>/dev/null | tail -n1)"
	if [[ "$reported" != "$version" ]]; then
		echo "install-n8n: 'n8n --version' says '$reported', expected '$version'" >&2
		exit 1
	fi
	# the marker hashes the committed pair as it is now (the lock may have just been written)
	want="n8n@$version $(hash_files "$src/package.json" "$src/package-lock.json")"
	printf '%s\n' "$want" >"$marker"
	log "n8n $version ready ($n8n_bin)"
}

# Debian packages, as root or through sudo
apt_install() {
	local sudo=""
	[[ "$(id -u)" == "0" ]] || sudo="sudo"
	log "installing Debian $* (apt-get update + install) ..."
	$sudo apt-get update -qq
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ---------------------------------------------------------------------------------------------------------
# Chromium (optional)
# ---------------------------------------------------------------------------------------------------------
install_chromium() {
	if [[ -x /usr/bin/chromium ]]; then
		log "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
		return
	fi
	apt_install chromium
	log "chromium ready: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
}

# ---------------------------------------------------------------------------------------------------------
# PostgreSQL and Redis for queue mode (optional)
# ---------------------------------------------------------------------------------------------------------
# The harness runs its own server processes on loopback with their data under .n8n-cache/services
# (scripts/n8n/services.ts). On these machines (no systemd) Debian's packages start nothing themselves; on a Debian
# with systemd they also start system services on the default ports 5432 and 6379, which the harness does not use.
install_queue_services() {
	local missing=()
	compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)
	command -v redis-server >/dev/null || missing+=(redis-server)
	if [[ ${#missing[@]} -eq 0 ]]; then
		log "postgresql and redis-server already installed"
		return
	fi
	apt_install "${missing[@]}"
	log "queue services ready: $(redis-server --version | cut -d' ' -f1-3), $(ls -d /usr/lib/postgresql/*/bin/postgres)"
}

# ---------------------------------------------------------------------------------------------------------
# openssl (the bench's HTTPS sandbox, the local npm registry's proxy) and the local npm registry (optional)
# ---------------------------------------------------------------------------------------------------------
# Verdaccio has its own pinned package.json + lock (n8n/registry/): it needs an npm override that n8n's community-node
# rules forbid in our package's package.json (a dependency asks for `node-fetch@cjs`, a tag the registry mirror lacks).
install_openssl() {
	if command -v openssl >/dev/null; then
		log "openssl already installed: $(openssl version)"
	else
		apt_install openssl
		log "openssl ready: $(openssl version)"
	fi
}

install_registry_tools() {
	local src="$ROOT/n8n/registry" dir="$CACHE/registry-server"
	local want
	want="verdaccio $(hash_files "$src/package.json" "$src/package-lock.json")"
	if [[ -f "$dir/.installed" && "$(head -n1 "$dir/.installed")" == "$want" && -f "$dir/node_modules/verdaccio/bin/verdaccio" ]]; then
		log "local npm registry (Verdaccio) already installed in ${dir#"$ROOT"/} (marker matches)"
		return
	fi
	log "installing the local npm registry (Verdaccio) into ${dir#"$ROOT"/} ..."
	mkdir -p "$dir"
	rm -f "$dir/.installed"
	cp "$src/package.json" "$src/package-lock.json" "$dir/"
	(cd "$dir" && npm ci --ignore-scripts "${NPM_FLAGS[@]}")
	printf '%s\n' "$want" >"$dir/.installed"
	log "Verdaccio $(node -p "require('$dir/node_modules/verdaccio/package.json').version") ready"
}

if [[ "$LINE" == "2" ]]; then
	install_node24
fi
install_n8n "$LINE"
if [[ "$WITH_CHROMIUM" == "1" ]]; then
	install_chromium
fi
if [[ "$WITH_QUEUE" == "1" ]]; then
	install_queue_services
fi
if [[ "$WITH_OPENSSL" == "1" || "$WITH_REGISTRY" == "1" ]]; then
	install_openssl
fi
if [[ "$WITH_REGISTRY" == "1" ]]; then
	install_registry_tools
fi
log "done in $((SECONDS - START)) s"
