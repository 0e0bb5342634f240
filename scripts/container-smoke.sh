#!/usr/bin/env bash
# Container smoke test (run by .ci/run): builds the image, then, against the sandbox SweatStack on
# this machine's loopback, checks that the container
#   - refuses to start in sandbox mode under NODE_ENV=production unless SWEATSTACK_ALLOW_SANDBOX=true,
#   - becomes healthy (its HEALTHCHECK), signs a user in and reads activities through the BFF,
#   - runs as uid 1000, and exits 0 within 10 s of SIGTERM;
# and prints the image size (failing above SMOKE_SIZE_LIMIT_MB, default 250).
#
#   bash scripts/container-smoke.sh
#
# Needs `npm ci` done (it runs the sandbox and the sign-in script with node_modules/.bin/node) and
# podman, or docker with a running engine (CONTAINER_ENGINE=docker|podman picks one). Settings:
# SMOKE_IMAGE (tag, default sweatstack-bff:smoke), SMOKE_BUILD_NETWORK (e.g. `host`, when build
# containers cannot reach the npm registry), SMOKE_SIZE_LIMIT_MB.
# Everything listens on 127.0.0.1 only; every container and process it starts is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${SMOKE_IMAGE:-sweatstack-bff:smoke}
SIZE_LIMIT_MB=${SMOKE_SIZE_LIMIT_MB:-250}
NODE=node_modules/.bin/node
say () { echo "container-smoke: $*"; }
fail () { echo "container-smoke: FAILED: $*" >&2; exit 1; }
now_ms () { echo $(( $(date +%s%N) / 1000000 )); }

# --- engine ---------------------------------------------------------------------------------------
engine=${CONTAINER_ENGINE:-}
if [ -z "$engine" ]; then
  if command -v podman >/dev/null 2>&1; then engine=podman
  elif command -v docker >/dev/null 2>&1 && timeout 20 docker info >/dev/null 2>&1; then engine=docker
  else fail "no container engine: install podman (../shared/tools/container-base-image.sh does) or start docker"
  fi
fi
[ -x "$NODE" ] || fail "$NODE is missing: run npm ci first"
say "engine: $engine ($($engine --version))"

work=$(mktemp -d)
sandbox_pid=''
containers=()
cleanup () {
  local status=$?
  for c in "${containers[@]}"; do timeout 30 "$engine" rm -f -t 0 "$c" >/dev/null 2>&1 || true; done
  if [ -n "$sandbox_pid" ] && kill -0 "$sandbox_pid" 2>/dev/null; then
    kill "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port () { "$NODE" -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close() })"; }

# podman keeps healthchecks on systemd timers; without systemd (as here) every `podman run` prints
# "unable to get systemd connection to add healthchecks" and nothing runs the check on its own.
# That noise goes to a log file, shown only when something fails; the check is run explicitly below.
run_container () { # name, then engine run arguments
  local name=$1; shift
  containers+=("$name")
  timeout 60 "$engine" run -d --name "$name" "$@" >"$work/$name.run" 2>&1 \
    || { cat "$work/$name.run" >&2; fail "could not start container $name"; }
}
show_logs () { echo "--- logs of $1:" >&2; timeout 20 "$engine" logs "$1" 2>&1 | tail -40 >&2 || true; }

# --- build ----------------------------------------------------------------------------------------
build_args=(-t "$IMAGE")
# The Docker image format keeps the HEALTHCHECK (podman writes OCI images by default, which drop it).
[ "$engine" = podman ] && build_args+=(--format docker)
# npm inside the build must trust the same CAs as npm here (a TLS-intercepting proxy's private CA,
# for instance): pass the CA bundle npm uses as the optional `npm_ca` build secret (see Dockerfile).
ca_file=$(npm config get cafile 2>/dev/null || true)
if [ -z "$ca_file" ] || [ "$ca_file" = null ] || [ "$ca_file" = undefined ]; then ca_file=${NODE_EXTRA_CA_CERTS:-}; fi
if [ -n "$ca_file" ] && [ -s "$ca_file" ]; then
  build_args+=(--secret "id=npm_ca,src=$ca_file")
  say "build: npm CA bundle $ca_file passed as build secret npm_ca"
fi
[ -n "${SMOKE_BUILD_NETWORK:-}" ] && build_args+=(--network "$SMOKE_BUILD_NETWORK")
say "building $IMAGE ..."
started=$(date +%s)
timeout 900 "$engine" build "${build_args[@]}" . >"$work/build.log" 2>&1 \
  || { tail -40 "$work/build.log" >&2; fail "image build failed (last 40 lines above)"; }
say "built $IMAGE in $(( $(date +%s) - started )) s"

size_bytes=$(timeout 30 "$engine" image inspect --format '{{.Size}}' "$IMAGE")
size_mb=$(( (size_bytes + 999999) / 1000000 ))
say "image size: $size_mb MB ($size_bytes bytes; limit $SIZE_LIMIT_MB MB)"
[ "$size_mb" -lt "$SIZE_LIMIT_MB" ] || fail "the image is $size_mb MB, not under $SIZE_LIMIT_MB MB"

# --- production mode refuses the sandbox unless told ------------------------------------------------
say "check: no credentials under NODE_ENV=production -> refuses to start"
set +e
timeout 60 "$engine" run --rm --network none "$IMAGE" >"$work/refuse.log" 2>&1
refuse_status=$?
set -e
if [ "$refuse_status" -eq 0 ] || [ "$refuse_status" -eq 124 ] || ! grep -q 'SWEATSTACK_ALLOW_SANDBOX=true' "$work/refuse.log"; then
  cat "$work/refuse.log" >&2
  fail "expected a non-zero exit naming SWEATSTACK_ALLOW_SANDBOX=true, got exit $refuse_status"
fi
say "  refused (exit $refuse_status): $(grep -m1 'NODE_ENV=production' "$work/refuse.log" | sed 's/^ *- //')"

wait_http () { # url, seconds
  local deadline=$(( $(date +%s) + $2 ))
  until "$NODE" -e "fetch(process.argv[1], { signal: AbortSignal.timeout(2000) }).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

say "check: SWEATSTACK_ALLOW_SANDBOX=true -> starts in sandbox mode"
allow_port=$(free_port)
allow_name="sweatstack-bff-smoke-allow-$$"
run_container "$allow_name" --network host -e HOST=127.0.0.1 -e PORT="$allow_port" -e SWEATSTACK_ALLOW_SANDBOX=true "$IMAGE"
wait_http "http://127.0.0.1:$allow_port/health" 30 || { show_logs "$allow_name"; fail "SWEATSTACK_ALLOW_SANDBOX=true: /health did not answer within 30 s"; }
timeout 20 "$engine" logs "$allow_name" >"$work/allow.log" 2>&1 || true
grep -q 'SANDBOX MODE' "$work/allow.log" || { show_logs "$allow_name"; fail "no SANDBOX MODE warning logged"; }
say "  started, /health answers, SANDBOX MODE logged"
timeout 30 "$engine" rm -f -t 0 "$allow_name" >/dev/null 2>&1 || true

# --- the sandbox SweatStack on the host -----------------------------------------------------------
sandbox_port=$(free_port)
sandbox_url="http://127.0.0.1:$sandbox_port"
SANDBOX_PORT=$sandbox_port SANDBOX_HOST=127.0.0.1 SANDBOX_SEED_END_DATE=2026-05-18 LOG_LEVEL=warn "$NODE" sandbox/server.ts >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
wait_http "$sandbox_url/__sandbox/users" 30 || { cat "$work/sandbox.log" >&2; fail "the sandbox did not answer at $sandbox_url within 30 s"; }
say "sandbox SweatStack at $sandbox_url"

# --- the BFF in the container, real-credentials mode against the sandbox ----------------------------
# Host networking: the container reaches the sandbox on 127.0.0.1 and we reach the container there;
# HOST=127.0.0.1 keeps the BFF off the machine's other interfaces.
bff_port=$(free_port)
bff_url="http://127.0.0.1:$bff_port"
session_secret=$("$NODE" -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))")
name="sweatstack-bff-smoke-$$"
run_container "$name" --network host \
  -e HOST=127.0.0.1 -e PORT="$bff_port" -e APP_URL="$bff_url" -e FRONTEND_ORIGINS=http://localhost:5173 \
  -e SWEATSTACK_CLIENT_ID=sandbox-client -e SWEATSTACK_CLIENT_SECRET=sandbox-secret \
  -e SWEATSTACK_SESSION_SECRET="$session_secret" -e SWEATSTACK_URL="$sandbox_url" \
  "$IMAGE"
say "container $name started: BFF at $bff_url"

# Healthy, as the engine sees it. podman: run the image's HEALTHCHECK now (`podman healthcheck run`
# runs it in the container and records the result; no systemd timer runs it here). docker runs the
# check itself (first after --interval, 15 s), so just watch the status.
say "waiting for the HEALTHCHECK to report healthy (at most 60 s) ..."
started_ms=$(now_ms)
deadline=$(( $(date +%s) + 60 ))
health=''
while :; do
  state=$(timeout 20 "$engine" inspect --format '{{.State.Status}}' "$name" 2>/dev/null || echo unknown)
  [ "$state" = running ] || { show_logs "$name"; fail "the container is $state, not running"; }
  [ "$engine" = podman ] && timeout 20 podman healthcheck run "$name" >/dev/null 2>&1 || true
  health=$(timeout 20 "$engine" inspect --format '{{.State.Health.Status}}' "$name" 2>/dev/null || true)
  [ "$health" = healthy ] && break
  [ "$(date +%s)" -lt "$deadline" ] || { show_logs "$name"; fail "not healthy within 60 s (health: ${health:-none})"; }
  sleep 1
done
say "  healthy after $(( $(now_ms) - started_ms )) ms"

say "check: sign in through the container and read activities"
if ! timeout 60 "$NODE" scripts/smoke-sign-in.ts "$bff_url" "$sandbox_url" 2>&1 | sed 's/^/  /'; then
  show_logs "$name"; fail "sign-in through the container failed"
fi

say "check: the server process runs as uid 1000"
uids=$(timeout 20 "$engine" exec "$name" cat /proc/1/status | awk '/^Uid:/ { print $2, $3, $4, $5 }' || true)
[ "$uids" = '1000 1000 1000 1000' ] || fail "PID 1 runs with uids '$uids' (real, effective, saved, fs), not 1000"
cmdline=$(timeout 20 "$engine" exec "$name" cat /proc/1/cmdline | tr '\0' ' ' || true)
say "  PID 1 \"${cmdline% }\": uid 1000 (real, effective, saved, fs)"

say "check: SIGTERM -> exit 0 within 10 s"
stop_started=$(now_ms)
timeout 30 "$engine" stop -t 10 "$name" >/dev/null 2>&1 || fail "$engine stop $name failed"
stop_ms=$(( $(now_ms) - stop_started ))
exit_code=$(timeout 20 "$engine" inspect --format '{{.State.ExitCode}}' "$name")
timeout 20 "$engine" logs "$name" >"$work/bff.log" 2>&1 || true
grep -q '"signal":"SIGTERM"' "$work/bff.log" || { show_logs "$name"; fail "the server did not log the SIGTERM it got"; }
[ "$exit_code" = 0 ] || { show_logs "$name"; fail "exit code $exit_code after SIGTERM, not 0"; }
[ "$stop_ms" -lt 10000 ] || fail "SIGTERM to exit took $stop_ms ms, not under 10 s"
say "  exited 0, $stop_ms ms after SIGTERM ($engine stop, wall clock)"

say "OK: image $IMAGE, $size_mb MB; healthy, sign-in and activities, uid 1000, SIGTERM -> exit 0 in $stop_ms ms"
