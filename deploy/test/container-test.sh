#!/usr/bin/env bash
# The container test (.ci/run calls it): builds the Dockerfile unchanged with podman, runs it with the README's
# own `docker run` line (as `podman run`, plus --network=host and the test's endpoints), and checks what a user
# of the image relies on:
#   1. /readyz answers 200 (time from `run` measured), the HEALTHCHECK passes, the locale is UTF-8;
#   2. a clean moderated stream arrives whole; 3. a stream the keyword moderator cuts ends with content_filter;
#   4. SIGTERM (podman stop, the README's --stop-timeout) lets a running stream finish: its last bytes arrive,
#      and the process exits by itself within the grace period;
#   5. a new container on the same volumes still knows the sub-key created in the first one;
#   6. with LOG_CHAT=true (default LOG_DIR) the relay starts and writes its chat log into the logs volume.
# Exits non-zero at the first failed check, with the container's log; removes its containers, volumes and the
# fakes it started on every exit. Needs root (podman, debootstrap) and the jars of `./mvnw package`.
# Base images: deploy/test/base-images.sh (cached in podman's store between runs on the same machine).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
# shellcheck source=podman-env.sh
. "$here/podman-env.sh"
ci_install podman runc debootstrap curl ss

t0=$(date +%s.%N)
log() { echo "container-test: $*"; }

NAME="modrelay-ci-$$"
IMAGE="localhost/modrelay-ci:test"
work="$(mktemp -d)"
pids=()
current=""
cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ] && [ -n "$current" ]; then
    echo "---- podman logs $current (last 60 lines) ----" >&2
    pm logs --tail 60 "$current" >&2 2>&1 || true
  fi
  pm rm -f -t 0 "$NAME" "$NAME-2" >/dev/null 2>&1 || true
  pm volume rm -f "$NAME-data" "$NAME-logs" >/dev/null 2>&1 || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
  [ "$rc" -eq 0 ] || echo "container-test: FAILED (exit $rc)" >&2
}
trap cleanup EXIT
trap 'exit 143' TERM INT   # so that a stopped test still runs the cleanup
fail() { echo "container-test: FAIL: $*" >&2; exit 1; }

# ---- the README's docker run line --------------------------------------------------------------------
# The fenced block under "or with Docker" in README.md: `docker build …` then `docker run …` (continued
# with '\'). It is kept free of quotes so that splitting on blanks reads it as a shell would.
readme_run="$(awk '/^docker run /,/[^\\]$/' README.md | sed 's/\\$//' | tr '\n' ' ')"
[ -n "$readme_run" ] || fail "no 'docker run' line in README.md"
case "$readme_run" in *\"*|*\'*) fail "README's docker run line has quotes; keep it splittable: $readme_run" ;; esac
# Each placeholder is one word ("<16-or-more-characters>"): a blank inside one would split it into stray arguments.
grep -qE '<[^>]* ' <<<"$readme_run" && fail "README's docker run line has a placeholder with blanks: $readme_run"
# shellcheck disable=SC2206
readme_words=($readme_run)
readme_stop_timeout=""
for ((i = 0; i < ${#readme_words[@]}; i++)); do
  [ "${readme_words[$i]}" = "--stop-timeout" ] && readme_stop_timeout="${readme_words[$((i + 1))]}"
done
[ -n "$readme_stop_timeout" ] || fail "README's docker run line has no --stop-timeout"

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
PROXY_KEY="ci-proxy-key-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ADMIN_TOKEN="ci-admin-token-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"

# The README's words with its placeholders filled in, run as podman on the host network; $1 names the container,
# the rest are the test's own flags (endpoints of the fakes, the admin token), put before the image.
readme_run_as() {
  local name="$1"; shift
  local out=() w i last=$(( ${#readme_words[@]} - 1 ))
  for ((i = 0; i <= last; i++)); do
    w="${readme_words[$i]}"
    if [ "$i" -eq "$last" ]; then out+=("$@" "$IMAGE"); continue; fi   # the image: the line's last word
    case "$w" in
      docker) out+=(pm) ;;
      run) out+=(run --network=host) ;;
      --name) out+=(--name "$name"); i=$((i + 1)) ;;
      modrelay-data:*|modrelay-logs:*) out+=("$NAME-${w#modrelay-}") ;;
      PROXY_KEY=*) out+=("PROXY_KEY=$PROXY_KEY") ;;
      OPENAI_KEY=*) out+=("OPENAI_KEY=sk-ci-server-key") ;;
      TENCENT_CLOUD_SID=*) out+=("TENCENT_CLOUD_SID=$TMS_SID") ;;
      TENCENT_CLOUD_SKEY=*) out+=("TENCENT_CLOUD_SKEY=$TMS_SKEY") ;;
      *\<*|*...*) fail "README's docker run line has a placeholder the test does not fill: $w" ;;
      *) out+=("$w") ;;
    esac
  done
  "${out[@]}"
}

# ---- base images and the image -------------------------------------------------------------------------
tb=$(date +%s.%N)
"$here/base-images.sh"
log "base images ready in $(elapsed "$tb") s"
tb=$(date +%s.%N)
# --format docker: the image format Docker builds, the one that keeps HEALTHCHECK (OCI images have none).
pm build --pull=never --network=host --format docker -q -t "$IMAGE" --build-arg REVISION="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" . >"$work/build.log" 2>&1 \
  || { tail -n 40 "$work/build.log" >&2; fail "podman build"; }
build_s="$(elapsed "$tb")"
image_mb="$(pm image inspect --format '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f", $1 / 1000000 }')"
log "image built in $build_s s, $image_mb MB"

# ---- the fakes, on the host (the container shares its network) ------------------------------------------
demo_jar="load-tests/target/modrelay-demo.jar"
[ -f "$demo_jar" ] || ./mvnw -B -q -pl load-tests -am package -DskipTests
java -cp "$demo_jar" modrelay.loadtests.fakes.FakeUpstream 0 20 >"$work/upstream.out" 2>"$work/upstream.err" &
pids+=($!)
java -cp "$demo_jar" modrelay.loadtests.fakes.FakeTms 0 5 >"$work/tms.out" 2>"$work/tms.err" &
pids+=($!)
await 60 grep -q '^http://' "$work/upstream.out" || fail "fake upstream did not start: $(cat "$work/upstream.err")"
await 60 grep -q 'TENCENT_CLOUD_SKEY=' "$work/tms.out" || fail "fake TMS did not start: $(cat "$work/tms.err")"
UPSTREAM_URL="$(grep -m1 '^http://' "$work/upstream.out")"
TMS_ENDPOINT="$(sed -n 's/^ *TENCENT_CLOUD_ENDPOINT=//p' "$work/tms.out")"
TMS_SID="$(sed -n 's/^ *TENCENT_CLOUD_SID=//p' "$work/tms.out")"
TMS_SKEY="$(sed -n 's/^ *TENCENT_CLOUD_SKEY=//p' "$work/tms.out")"
cp load-tests/src/main/resources/demo-keywords.txt "$work/keywords.txt"
chmod 0755 "$work"; chmod 0644 "$work/keywords.txt"

test_flags=(-e "PORT=$PORT" -e "UPSTREAM_URL=$UPSTREAM_URL" -e "TENCENT_CLOUD_ENDPOINT=$TMS_ENDPOINT"
  -e MODERATION_KEYWORDS_FILE=/app/keywords.txt -v "$work/keywords.txt:/app/keywords.txt:ro"
  -e "ADMIN_TOKEN=$ADMIN_TOKEN"
  # CI machines are shared: a cold JVM under load can take longer than the default 3 s for its first TMS calls,
  # and then (fail closed, rightly) cuts a clean stream as "unavailable". What this test checks is the image.
  -e MODERATION_TIMEOUT=10s)

ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz")" = 200 ]; }
running() { [ "$(pm inspect --format '{{.State.Running}}' "$current" 2>/dev/null)" = true ]; }
# Ready, or exited: a container that refuses its settings stops at once, and waiting on would hide why.
ready_or_gone() { ready || ! running; }
chat() { # chat <auth token> <prompt>: a streamed chat completion, the raw SSE on stdout
  curl -sS -N --max-time 60 "$BASE/v1/chat/completions" -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' \
    -d "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"$2\"}]}"
}
text_of() { grep -o '"content":"[^"]*"' | sed 's/^"content":"//; s/"$//' | tr -d '\n'; }

# ---- 1. start, /readyz, health check, locale ------------------------------------------------------------
tr0=$(date +%s.%N)
current="$NAME"
readme_run_as "$NAME" "${test_flags[@]}" >/dev/null 2>"$work/run.err" || fail "podman run: $(cat "$work/run.err")"
{ await 90 ready_or_gone && ready; } || fail "/readyz did not answer 200 within 90 s (running: $(running && echo yes || echo no))"
ready_s="$(elapsed "$tr0")"
log "1. /readyz 200 after $ready_s s"
pm healthcheck run "$NAME" >/dev/null 2>>"$work/podman.err" || fail "the image's HEALTHCHECK reports unhealthy on a ready relay"
# (Captured first: grep -q stops reading early, and with pipefail the writer's SIGPIPE would fail the check.)
props="$(pm exec "$NAME" java -XshowSettings:properties -version 2>&1 || true)"
grep -q 'native.encoding = UTF-8' <<<"$props" || fail "the container's locale is not UTF-8: $(grep encoding <<<"$props")"
pid="$(pm inspect --format '{{.State.Pid}}' "$NAME")"
[ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = 10001 ] || fail "the relay does not run as the app user (uid 10001)"
idle_rss_mb="$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")"
log "1. HEALTHCHECK healthy, UTF-8 locale, uid 10001; idle RSS $idle_rss_mb MB"

# ---- 2. a clean stream; 3. a cut stream ------------------------------------------------------------------
clean="$(chat "sk-anything:$PROXY_KEY" "Tell me about the sea.")"
grep -q 'data: \[DONE\]' <<<"$clean" || fail "clean stream did not end with [DONE]: $clean"
grep -q '"finish_reason":"stop"' <<<"$clean" \
  || fail "clean stream did not finish with stop: $(text_of <<<"$clean") / $(grep -o '"finish_reason":"[a-z_]*"' <<<"$clean" | tail -n 1)"
grep -q 'content_filter' <<<"$clean" && fail "clean stream was cut: $clean"
[ -n "$(text_of <<<"$clean")" ] || fail "clean stream carried no text: $clean"
log "2. clean stream: \"$(text_of <<<"$clean" | cut -c1-60)…\""
cut="$(chat "sk-anything:$PROXY_KEY" "say:The sea is calm today. Here is how to build a bomb at home. Step one is simple.")"
grep -q '"finish_reason":"content_filter"' <<<"$cut" || fail "cut stream has no content_filter: $cut"
grep -q 'data: \[DONE\]' <<<"$cut" || fail "cut stream did not end with [DONE]: $cut"
cut_text="$(text_of <<<"$cut")"
case "$cut_text" in "The sea is calm today. "*) ;; *) fail "cut stream lost the sentence before the cut: $cut_text" ;; esac
grep -q 'bomb\|Step one' <<<"$cut_text" && fail "cut stream released blocked text: $cut_text"
log "3. cut stream: content_filter after \"The sea is calm today.\""

# A sub-key, for check 5.
created="$(curl -sS -X POST "$BASE/admin/keys" -H "Authorization: Bearer $ADMIN_TOKEN" \
  -H 'Content-Type: application/json' -d '{"name":"container-test"}')"
SUBKEY="$(sed -n 's/.*"key":"\([^"]*\)".*/\1/p' <<<"$created")"
[ -n "$SUBKEY" ] || fail "POST /admin/keys gave no key: $created"
grep -q 'data: \[DONE\]' <<<"$(chat "sk-anything:$SUBKEY" "Hello")" || fail "the new sub-key does not work"

# ---- 4. SIGTERM with a stream running ------------------------------------------------------------------
long="say:$(for i in $(seq 1 25); do printf 'Sentence %d of the long answer is here. ' "$i"; done)The last sentence arrives whole."
chat "sk-anything:$PROXY_KEY" "$long" >"$work/long.sse" 2>"$work/long.err" &
curl_pid=$!
await 30 grep -q '"content":"Sentence ' "$work/long.sse" || fail "the long stream did not start"
grep -q 'data: \[DONE\]' "$work/long.sse" && fail "the long stream ended before SIGTERM: the check would prove nothing"
ts=$(date +%s.%N)
pm stop -t "$readme_stop_timeout" "$NAME" >/dev/null 2>>"$work/podman.err"
stop_s="$(elapsed "$ts")"
wait "$curl_pid" || fail "the running stream broke at SIGTERM: $(cat "$work/long.err")"
long_text="$(text_of <"$work/long.sse")"
case "$long_text" in *"Sentence 25 of the long answer is here. The last sentence arrives whole.") ;;
  *) fail "the running stream's last bytes were lost: …$(tail -c 200 <<<"$long_text")" ;; esac
grep -q 'data: \[DONE\]' <<<"$(tail -n 3 "$work/long.sse")" || fail "the running stream did not end with [DONE]"
grep -q 'shutting_down' "$work/long.sse" && fail "the running stream was ended by the deadline, not finished"
exit_code="$(pm inspect --format '{{.State.ExitCode}}' "$NAME")"
[ "$exit_code" = 137 ] && fail "podman killed the relay (exit 137) after $stop_s s"
awk -v s="$stop_s" -v t="$readme_stop_timeout" 'BEGIN { exit !(s < t) }' || fail "stop took $stop_s s, not within --stop-timeout $readme_stop_timeout"
log "4. SIGTERM: running stream finished whole, relay exited ($exit_code) after $stop_s s (grace $readme_stop_timeout s)"

# ---- 5. a new container, same volumes: the sub-key; 6. LOG_CHAT=true -----------------------------------
pm rm "$NAME" >/dev/null 2>>"$work/podman.err"
current="$NAME-2"
readme_run_as "$NAME-2" "${test_flags[@]}" -e LOG_CHAT=true >/dev/null 2>"$work/run.err" || fail "podman run: $(cat "$work/run.err")"
{ await 90 ready_or_gone && ready; } || fail "the second container (LOG_CHAT=true) did not get ready"
again="$(chat "sk-anything:$SUBKEY" "Tell me about the sea.")"
grep -q 'data: \[DONE\]' <<<"$again" || fail "the new container does not know the sub-key: $again"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/v1/models" -H "Authorization: Bearer sk-anything:not-a-key-of-this-relay")" = 401 ] \
  || fail "a key the relay never issued was accepted"
log "5. new container on the same volumes: the sub-key works, an unknown key gets 401"
chat_logged() { local log; log="$(pm exec "$NAME-2" sh -c 'cat /app/logs/chat-*.jsonl')" && grep -q '"Tell me about the sea."' <<<"$log"; }
await 30 chat_logged || fail "LOG_CHAT=true wrote no chat log entry to /app/logs"
log "6. LOG_CHAT=true: chat log written to the logs volume"

pid="$(pm inspect --format '{{.State.Pid}}' "$NAME-2")"
rss_mb="$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")"
log "PASSED in $(elapsed "$t0") s: image $image_mb MB, build $build_s s, /readyz after $ready_s s, idle RSS $idle_rss_mb MB (after 3 streams $rss_mb MB), stop $stop_s s"
