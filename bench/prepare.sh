# Shared start of the bench/*.sh scripts. Sourced, not executed: builds the server and the bench (Release), installs
# the audio tools, and sets server_dll, work and model.
#   bench_size                       checks BENCH_SIZE (tiny|base|small, default tiny) and sets size
#   bench_out NAME                   the report path: $BENCH_OUT if set, else bench/results/NAME.md for tiny and
#                                    bench/results/NAME-SIZE.md for base and small (each .md gets a .json twin)
#   bench_prepare KIND DESCRIPTION   KIND: the synthetic model to generate when BENCH_MODEL is unset (test|tiny|base|small)
#   bench_speech_audio               the speech clips in $work (after bench_prepare)
#   BENCH_PREPARED=1                 skip scripts/setup.sh, the apt check and the builds (bench/all.sh does them once)
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

bench_size() {
  size="${BENCH_SIZE:-tiny}"
  case "$size" in
    tiny|base|small) ;;
    *) die "BENCH_SIZE=$size: expected tiny, base or small" ;;
  esac
}

bench_out() {
  local name="$1"
  if [ -n "${BENCH_OUT:-}" ]; then
    mkdir -p "$(dirname "$BENCH_OUT")"
    echo "$BENCH_OUT"
  elif [ "${size:-tiny}" = tiny ]; then
    echo "$REPO_ROOT/bench/results/$name.md"
  else
    echo "$REPO_ROOT/bench/results/$name-$size.md"
  fi
}

# The one-line description of a synthetic model, for the log line of its generation.
bench_size_description() {
  case "$1" in
    test) echo "small dimensions, random weights: fast, meaningless text" ;;
    *) echo "$1's real dimensions, random weights: realistic compute, meaningless text" ;;
  esac
}

bench_prepare() {
  local kind="$1" description="$2"
  if [ "${BENCH_PREPARED:-0}" != 1 ]; then
    bash scripts/setup.sh
    apt_need espeak-ng sox ffmpeg   # Debian's full ffmpeg: it has the MP3 encoder
    local p
    for p in src/Server bench/SpeechToText.Bench tools/SpeechToText.ModelTools; do
      dotnet build "$p" -c Release -nologo -v quiet >/dev/null || dotnet build "$p" -c Release -nologo
    done
  fi
  server_dll="$REPO_ROOT/src/Server/bin/Release/net10.0/SpeechToText.Server.dll"
  work="$REPO_ROOT/.local/bench"
  mkdir -p "$work" "$REPO_ROOT/bench/results"
  model="${BENCH_MODEL:-$work/ggml-synthetic-$kind.bin}"
  if [ ! -f "$model" ]; then
    log "generating the synthetic $kind model ($description)"
    dotnet "$REPO_ROOT/tools/SpeechToText.ModelTools/bin/Release/net10.0/SpeechToText.ModelTools.dll" generate-test-model "$model.part" "$kind" >&2
    mv "$model.part" "$model"
  fi
}

bench_speech_audio() {
  # 60 s of speech: espeak-ng, resampled to 16 kHz mono s16, repeated with pauses and cut to exactly 60 s.
  if [ ! -f "$work/speech-60s.mp3" ]; then
    log "making the test audio"
    espeak-ng -v en-us -s 160 -w "$work/espeak.wav" \
      "The quick brown fox jumps over the lazy dog. This is a latency benchmark for a speech to text service. \
We measure the time of a request from upload to response, and compare it with the command line tool of \
whisper dot cpp, given the same file, the same model and the same decoding parameters."
    sox "$work/espeak.wav" -r 16000 -c 1 -b 16 "$work/speech-60s.wav" pad 0 1.5 repeat 5 trim 0 60
    [ "$(soxi -s "$work/speech-60s.wav")" = 960000 ] || die "speech-60s.wav is not exactly 60 s"
    sox "$work/speech-60s.wav" "$work/speech-5s.wav" trim 0 5
    for n in 60s 5s; do
      /usr/bin/ffmpeg -loglevel error -y -i "$work/speech-$n.wav" -ac 1 -ar 16000 -c:a libmp3lame -b:a 64k "$work/speech-$n.mp3"
    done
    rm -f "$work/espeak.wav"
  fi
  # The MP3s decoded exactly as the service decodes them (its bundled ffmpeg reading the MP3 from a pipe with the mp3
  # demuxer, 16 kHz mono float: FfmpegDecoder), in float WAVs that whisper-cli reads without conversion (the latency
  # bench's mp3pcm pairs). From a file path ffmpeg trims the encoder padding (exactly 80000 samples for the 5 s clip);
  # from a pipe it keeps 111 (5 s) / 239 (60 s) more at the end, and a random-weight model turns those into other tokens.
  local n
  for n in 60s 5s; do
    if [ ! -f "$work/speech-$n.mp3.pcm.wav" ]; then
      "$REPO_ROOT/.native/ffmpeg" -hide_banner -loglevel error -nostdin -y -f mp3 -i pipe:0 -map 0:a:0 \
        -ac 1 -ar 16000 -c:a pcm_f32le "$work/speech-$n.mp3.pcm.wav.part.wav" <"$work/speech-$n.mp3"
      mv "$work/speech-$n.mp3.pcm.wav.part.wav" "$work/speech-$n.mp3.pcm.wav"
    fi
  done
}
