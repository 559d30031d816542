#!/usr/bin/env bash
# The whole benchmark suite in one command, across model sizes, into ONE report: bench/results/report.md.
#   latency (bench/run.sh, ours vs whisper-cli)     for each of ALL_SIZES
#   load    (bench/load.sh, ours vs whisper-server) for each of ALL_SIZES
#   RSS per engine slot (bench/load.sh --only ours --configs ...), tiny
#   cold start (bench/coldstart.sh)                  for each of ALL_COLDSTART_SIZES
#   pipeline (bench/pipeline.sh, its own "test" model), once
# The report: a header (date UTC, commit, CPU, cores, total wall time), summary tables built from the benches' .json
# twins (bench summary mode), then each section's own report, preceded by the load average at its start and end and
# its wall time against its estimate. The sections' own files (md, json, logs) stay in bench/results/all/ (emptied
# at the start); the benches' standalone defaults (bench/results/latency.md, ...) are left alone. A failing section
# is reported as such (with the tail of its log) and the others still run; the exit status is then 1.
#
# Settings, each overridable from the environment (the defaults fit in about 30 minutes on this 2-core machine when
# it is otherwise quiet; times measured at load ~3, with another engineer's server running, are ~25 % longer):
#   ALL_QUICK=1                 smoke run: tiny only, one repetition, 5-10 s windows, 1-minute pipeline inputs (~3.5 min)
#   ALL_SIZES="tiny base small" sizes of the latency and load sections
#   ALL_COLDSTART_SIZES="tiny base"
#   ALL_SLOTS=1                 the RSS-per-slot section (0: skip)
#   ALL_PIPELINE=1              the pipeline section (0: skip)
#   ALL_LATENCY_TINY|BASE|SMALL, ALL_LOAD_TINY|BASE|SMALL, ALL_COLDSTART_TINY|BASE|SMALL, ALL_SLOTS_ARGS:
#                               the arguments of each run (defaults below)
#   ALL_PIPELINE_OVERHEAD_MINUTES=20, ALL_PIPELINE_SCALING_MINUTES=5, ALL_PIPELINE_SCALING_CHUNK=60
#   BENCH_THREADS               passed through to the latency bench (default 1 there)
# BENCH_MODEL, BENCH_SIZE and BENCH_OUT are set per section by this script (an outer BENCH_MODEL is ignored).
#
# Cost model behind the defaults (1 thread, random weights: whisper.cpp's temperature fallbacks make hundreds of
# decode steps per window): a 5 s clip costs one 30 s window, measured ~7 s tiny, ~11 s base, ~39 s small; the 60 s
# clip ~26 s tiny, ~50 s base, ~145 s small (about 3.7 windows). Estimated wall time per section, quiet machine:
#   latency tiny  ~4.5 min  2 reps of the 60 s WAV and MP3 pairs (MP3: cli on our decoded PCM), 2 × 2 small requests
#   latency base  ~3.5 min  1 rep of the same two pairs
#   latency small ~6.5 min  one 60 s WAV pair + one 5 s WAV pair, 1 warm-up request, cli warmed by reading the model
#   load tiny     ~3 min    4 clients, 60 s per server, 1 warm-up round
#   load base     ~3.5 min  4 clients, 60 s per server (whisper-server completes ~8 requests), first request only
#   load small    ~7 min    4 clients, 90 s per server (whisper-server completes ~3-4: its throughput moves in steps)
#   RSS per slot  ~2 min    ours only, 1x1, 2x1, 3x1, 3 clients, 20 s each
#   cold start    ~2 min    2 interleaved starts per server, tiny and base
#   pipeline      ~3 min    20-minute overhead input, 5-minute scaling input with 1 and 2 slots (1-minute inputs: 22 s)
#   preparation   ~10 s with everything cached and built (first run: builds, models: ~1 min more)
#   total         ~35 min of estimates, less on a quiet machine (where the per-window costs are ~20 % lower)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/prepare.sh
unset BENCH_MODEL BENCH_SIZE BENCH_OUT

quick="${ALL_QUICK:-0}"
if [ "$quick" = 1 ]; then
  : "${ALL_SIZES:=tiny}" "${ALL_COLDSTART_SIZES:=tiny}"
  : "${ALL_LATENCY_TINY:=--reps 1 --short-reps 1 --vad-reps 0 --small 0 --pairs wav-5,mp3pcm-5 --warmup 1 --cli-warmup 0}"
  : "${ALL_LOAD_TINY:=--clients 2 --duration 10 --warmup 0}"
  : "${ALL_SLOTS_ARGS:=--only ours --configs 1x1,2x1,3x1 --clients 3 --duration 5 --warmup 0}"
  : "${ALL_COLDSTART_TINY:=--reps 1}"
  : "${ALL_PIPELINE_OVERHEAD_MINUTES:=1}" "${ALL_PIPELINE_SCALING_MINUTES:=1}" "${ALL_PIPELINE_SCALING_CHUNK:=30}"
fi
ALL_SIZES="${ALL_SIZES:-tiny base small}"
ALL_COLDSTART_SIZES="${ALL_COLDSTART_SIZES:-tiny base}"
ALL_SLOTS="${ALL_SLOTS:-1}"
ALL_PIPELINE="${ALL_PIPELINE:-1}"
ALL_LATENCY_TINY="${ALL_LATENCY_TINY:---reps 2 --vad-reps 0 --small 2 --pairs wav-60,mp3pcm-60 --warmup 2}"
ALL_LATENCY_BASE="${ALL_LATENCY_BASE:---reps 1 --vad-reps 0 --small 0 --pairs wav-60,mp3pcm-60 --warmup 1}"
ALL_LATENCY_SMALL="${ALL_LATENCY_SMALL:---reps 1 --short-reps 1 --vad-reps 0 --small 0 --pairs wav-60,wav-5 --warmup 1 --cli-warmup 0}"
ALL_LOAD_TINY="${ALL_LOAD_TINY:---clients 4 --duration 60 --warmup 1}"
ALL_LOAD_BASE="${ALL_LOAD_BASE:---clients 4 --duration 60 --warmup 0}"
ALL_LOAD_SMALL="${ALL_LOAD_SMALL:---clients 4 --duration 90 --warmup 0}"
ALL_SLOTS_ARGS="${ALL_SLOTS_ARGS:---only ours --configs 1x1,2x1,3x1 --clients 3 --duration 20 --warmup 0}"
ALL_COLDSTART_TINY="${ALL_COLDSTART_TINY:---reps 2}"
ALL_COLDSTART_BASE="${ALL_COLDSTART_BASE:---reps 2}"
ALL_COLDSTART_SMALL="${ALL_COLDSTART_SMALL:---reps 1}"
ALL_PIPELINE_OVERHEAD_MINUTES="${ALL_PIPELINE_OVERHEAD_MINUTES:-20}"
ALL_PIPELINE_SCALING_MINUTES="${ALL_PIPELINE_SCALING_MINUTES:-5}"
ALL_PIPELINE_SCALING_CHUNK="${ALL_PIPELINE_SCALING_CHUNK:-60}"

# Estimated seconds per section (the report prints them beside the measured wall time).
estimate() {
  if [ "$quick" = 1 ]; then
    case "$1" in latency-*) echo 45 ;; load-*) echo 45 ;; slots) echo 65 ;; coldstart-*) echo 35 ;; pipeline) echo 60 ;; esac
    return
  fi
  case "$1" in
    latency-tiny) echo 270 ;; latency-base) echo 210 ;; latency-small) echo 390 ;;
    load-tiny) echo 180 ;; load-base) echo 210 ;; load-small) echo 420 ;;
    slots) echo 110 ;; coldstart-tiny) echo 50 ;; coldstart-base) echo 80 ;; coldstart-small) echo 120 ;;
    pipeline) echo 180 ;; *) echo 0 ;;
  esac
}
upper() { printf '%s' "$1" | tr '[:lower:]' '[:upper:]'; }
for s in $ALL_SIZES $ALL_COLDSTART_SIZES; do
  case "$s" in tiny|base|small) ;; *) die "ALL_SIZES / ALL_COLDSTART_SIZES: '$s' is not tiny, base or small" ;; esac
done

results="$REPO_ROOT/bench/results"
dir="$results/all"
report="$results/report.md"
rm -rf "$dir" && mkdir -p "$dir"
started_at="$(date -u '+%Y-%m-%d %H:%M:%S')"
clock_start=$SECONDS
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
mmss() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }

# Everything built once (setup, apt, the three Release builds, models, audio); the sections then skip it.
log "bench/all.sh: preparing (setup, builds, models for: $(echo $ALL_SIZES $ALL_COLDSTART_SIZES | tr ' ' '\n' | sort -u | tr '\n' ' '))"
bench_prepare tiny "$(bench_size_description tiny)"
bench_speech_audio
for s in $(echo $ALL_SIZES $ALL_COLDSTART_SIZES | tr ' ' '\n' | sort -u); do
  BENCH_PREPARED=1 bench_prepare "$s" "$(bench_size_description "$s")"
done
export BENCH_PREPARED=1
prepare_seconds=$((SECONDS - clock_start))

sections=()
failed=0
# run_section ID TITLE REPORT_MD COMMAND...: runs one bench, keeps its stdout/stderr in $dir/ID.log, and writes
# $dir/ID.section.md: the title, load averages, wall time, exit status, then the bench's report (headings demoted).
run_section() {
  local id="$1" title="$2" md="$3"; shift 3
  local load_start load_end t0 took status=0 est
  est="$(estimate "$id")"
  load_start="$(loadavg)"
  t0=$SECONDS
  log "[$(mmss $((SECONDS - clock_start)))] $title (estimated $(mmss "$est")): $*"
  "$@" >"$dir/$id.log" 2>&1 || status=$?
  took=$((SECONDS - t0))
  load_end="$(loadavg)"
  log "  took $(mmss "$took"), exit $status"
  {
    echo "## $title"
    echo
    echo "- Load average (1, 5, 15 min): **$load_start** at the start, **$load_end** at the end; wall time **$(mmss "$took")** (estimated $(mmss "$est")); exit status $status."
    echo "- Command: \`$(printf '%s ' "$@" | sed 's/ $//')\`"
    echo
    if [ "$status" -ne 0 ]; then
      echo "**The section failed** (exit status $status$([ -f "$md" ] || echo ', no report written')). Last lines of \`bench/results/all/$id.log\`:"
      echo
      echo '```'
      tail -n 25 "$dir/$id.log"
      echo '```'
      echo
    fi
    if [ -f "$md" ]; then
      sed -E 's/^(#+) /\1## /' "$md"
    fi
    echo
  } >"$dir/$id.section.md"
  [ "$status" -eq 0 ] || failed=1
  sections+=("$id")
}

# Per-size arguments, e.g. args_for LATENCY base -> $ALL_LATENCY_BASE.
args_for() { local name="ALL_$1_$(upper "$2")"; echo "${!name}"; }

for s in $ALL_SIZES; do
  # shellcheck disable=SC2046 # the settings are word lists on purpose
  run_section "latency-$s" "Latency, $s: ours vs whisper-cli" "$dir/latency-$s.md" \
    env BENCH_SIZE="$s" BENCH_OUT="$dir/latency-$s.md" bash bench/run.sh $(args_for LATENCY "$s")
done
for s in $ALL_SIZES; do
  run_section "load-$s" "Load, $s: ours vs whisper-server" "$dir/load-$s.md" \
    env BENCH_SIZE="$s" BENCH_OUT="$dir/load-$s.md" bash bench/load.sh $(args_for LOAD "$s")
done
if [ "$ALL_SLOTS" = 1 ]; then
  run_section slots "Peak RSS per engine slot, tiny (ours only)" "$dir/load-slots-tiny.md" \
    env BENCH_SIZE=tiny BENCH_OUT="$dir/load-slots-tiny.md" bash bench/load.sh $ALL_SLOTS_ARGS
fi
for s in $ALL_COLDSTART_SIZES; do
  run_section "coldstart-$s" "Cold start, $s: ours vs whisper-server" "$dir/coldstart-$s.md" \
    env BENCH_SIZE="$s" BENCH_OUT="$dir/coldstart-$s.md" bash bench/coldstart.sh $(args_for COLDSTART "$s")
done
if [ "$ALL_PIPELINE" = 1 ]; then
  run_section pipeline "Blob pipeline (synthetic test model)" "$dir/pipeline.md" \
    env BENCH_OUT="$dir/pipeline.md" BENCH_OVERHEAD_MINUTES="$ALL_PIPELINE_OVERHEAD_MINUTES" \
    BENCH_SCALING_MINUTES="$ALL_PIPELINE_SCALING_MINUTES" BENCH_SCALING_CHUNK="$ALL_PIPELINE_SCALING_CHUNK" bash bench/pipeline.sh
fi

total=$((SECONDS - clock_start))
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit (with uncommitted changes)"
branch="$(git rev-parse --abbrev-ref HEAD 2>/dev/null || echo '?')"
cpu="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
summary_args=(--dir "$dir" --sizes "$(echo $ALL_SIZES $ALL_COLDSTART_SIZES | tr ' ' '\n' | awk '!seen[$0]++' | paste -sd, -)")
[ "$ALL_SLOTS" != 1 ] || summary_args+=(--slots "$dir/load-slots-tiny.json")
{
  echo "# Benchmark suite report"
  echo
  echo "- Generated by \`bash bench/all.sh\`$([ "$quick" = 1 ] && echo ' with **ALL_QUICK=1** (smoke settings: the numbers are not meaningful)'); started $started_at UTC, finished $(date -u '+%Y-%m-%d %H:%M:%S') UTC; total wall time **$(mmss "$total")** (preparation $(mmss "$prepare_seconds"))."
  echo "- Commit: \`$commit\` on \`$branch\`."
  echo "- Machine: $cpu; $(nproc) cores; $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM; load average at the end $(loadavg)."
  echo "- Model sizes: latency and load $ALL_SIZES; cold start $ALL_COLDSTART_SIZES. Synthetic models of the real whisper dimensions (random weights: realistic compute, meaningless text) from tools/SpeechToText.ModelTools."
  settings=""
  for s in $ALL_SIZES; do settings+="latency $s \`$(args_for LATENCY "$s")\`; load $s \`$(args_for LOAD "$s")\`; "; done
  [ "$ALL_SLOTS" != 1 ] || settings+="slots \`$ALL_SLOTS_ARGS\`; "
  for s in $ALL_COLDSTART_SIZES; do settings+="cold start $s \`$(args_for COLDSTART "$s")\`; "; done
  [ "$ALL_PIPELINE" != 1 ] || settings+="pipeline: overhead input $ALL_PIPELINE_OVERHEAD_MINUTES min, scaling input $ALL_PIPELINE_SCALING_MINUTES min in chunks of $ALL_PIPELINE_SCALING_CHUNK s; "
  echo "- Settings: ${settings%; }."
  echo
  echo "## Summary"
  echo
  dotnet "$REPO_ROOT/bench/SpeechToText.Bench/bin/Release/net10.0/SpeechToText.Bench.dll" summary "${summary_args[@]}" \
    || echo "(the summary could not be built: see the sections below)"
  echo "### Sections"
  echo
  echo "| section | wall time | exit status |"
  echo "|---|---:|---:|"
  for id in "${sections[@]}"; do
    sed -n 's/^- Load average.*wall time \*\*\([0-9:]*\)\*\* (estimated \([0-9:]*\)); exit status \([0-9]*\)\./| '"$id"' | \1 (est. \2) | \3 |/p' "$dir/$id.section.md"
  done
  echo
  for id in "${sections[@]}"; do
    cat "$dir/$id.section.md"
  done
} >"$report"
log "bench/all.sh: $(mmss "$total") in all; wrote $report"
exit "$failed"
