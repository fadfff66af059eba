# Shared by the benchmark drivers (bench/ws, bench/rooms, bench/presence
# run.sh), sourced after they set `root`, `parley` and `tmp`: the tools
# check, the parley server start, the meta.txt header and the log summary.

log() { echo "[run $(date -u +%H:%M:%S)] $*"; }

# Exits when one of the named commands is missing.
need_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$tool is needed (bench/install-deps.sh)" >&2; exit 1; }
  done
}

# The `ws` package, installed once for every Node generator.
need_ws_module() {
  [[ -d "$root/bench/ws/node_modules/ws" ]] || (cd "$root/bench/ws" && npm ci --no-audit --no-fund >/dev/null)
}

free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# Starts `parley serve` on DATA with CONF (listening on $http_port), logging
# to $tmp/server.log; sets pid and base and waits up to 60 s for an answer.
start_parley() {
  "$parley" --data "$1" serve --config "$2" > "$tmp/server.log" 2>&1 &
  pid=$!
  base="http://127.0.0.1:$http_port"
  for _ in $(seq 1 300); do
    curl -sf "$base/api/v1/version" >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.2
  done
}

# The first lines of a run's meta.txt: which binary and which source.
meta_head() {
  echo "parley: $parley ($(grep -s '^CMAKE_BUILD_TYPE:' "$(dirname "$parley")/CMakeCache.txt" | cut -d= -f2))"
  echo "git: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted changes in src/')"
}

# The server's warnings, counted by event (the log itself can be large).
count_server_events() {
  { grep -o 'event=[a-z_-]*\( reason=[a-z_]*\)\?' "$tmp/server.log" | sort | uniq -c | sort -rn || true; } > "$1"
}
