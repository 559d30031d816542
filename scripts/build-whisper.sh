#!/usr/bin/env bash
# Builds whisper.cpp 1.9.1 (shared libraries + whisper-cli + whisper-server) from the source tree that
# the npm package nodejs-whisper@0.3.1 ships, into a cache keyed by version and flags, then copies the
# libraries and tools into .native/. Nothing is downloaded but the npm package itself.
# ggml's CPU backend is built once per x86-64 feature level (GGML_CPU_ALL_VARIANTS: libggml-cpu-x64.so,
# -sse42, -sandybridge, -haswell, -skylakex, -icelake, -zen4, -sapphirerapids, ...), each a module loaded at
# run time: the engine (WhisperCpuBackend) loads the best one this CPU supports, as whisper-cli and whisper-server
# do through ggml_backend_load_all. One package then runs at its best on this machine's AVX2 and on Azure's
# AVX-512/VNNI/AMX instances alike.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

WHISPER_NPM="nodejs-whisper@0.3.1"
WHISPER_VERSION="1.9.1"
CMAKE_FLAGS=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=ON -DWHISPER_BUILD_TESTS=OFF
  -DWHISPER_BUILD_EXAMPLES=ON -DWHISPER_BUILD_SERVER=ON -DGGML_NATIVE=OFF -DGGML_BACKEND_DL=ON
  -DGGML_CPU_ALL_VARIANTS=ON -DCMAKE_BUILD_RPATH_USE_ORIGIN=ON)
KEY="$(printf '%s ' "$WHISPER_NPM" "${CMAKE_FLAGS[@]}" | sha1sum | cut -c1-12)"
OUT="$CACHE_ROOT/whisper-$WHISPER_VERSION-$KEY"

build() {
  [ -f "$OUT/.done" ] && return 0
  command -v cmake >/dev/null || apt_need cmake
  command -v g++ >/dev/null || apt_need g++
  apt_need libgomp1
  local work="$CACHE_ROOT/whisper-src-$KEY"
  rm -rf "$work" && mkdir -p "$work"
  log "fetching whisper.cpp $WHISPER_VERSION source from npm ($WHISPER_NPM)"
  (cd "$work" && npm pack "$WHISPER_NPM" --silent >/dev/null && tar xzf nodejs-whisper-*.tgz)
  local src="$work/package/cpp/whisper.cpp"
  [ -f "$src/include/whisper.h" ] || die "whisper.h not found in $WHISPER_NPM"
  log "building whisper.cpp with every x86-64 CPU variant of ggml (about 15 minutes on 2 cores, once)"
  cmake -S "$src" -B "$work/build" "${CMAKE_FLAGS[@]}" >"$work/cmake.log" 2>&1 || { tail -30 "$work/cmake.log"; die "cmake configure failed"; }
  cmake --build "$work/build" -j"$(nproc)" --target whisper whisper-cli whisper-server >"$work/build.log" 2>&1 \
    || { tail -30 "$work/build.log"; die "whisper.cpp build failed"; }
  rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp/lib" "$OUT.tmp/bin" "$OUT.tmp/include"
  # Keep the real files and their SONAME links; RPATH=$ORIGIN lets them load from one folder.
  find "$work/build" -name 'lib*.so*' \( -name 'libwhisper*' -o -name 'libggml*' \) -exec cp -P {} "$OUT.tmp/lib/" \;
  ls "$OUT.tmp"/lib/libggml-cpu-*.so >/dev/null 2>&1 || die "no CPU variant of ggml was built (libggml-cpu-*.so)"
  cp "$work/build/bin/whisper-cli" "$work/build/bin/whisper-server" "$OUT.tmp/bin/"
  cp "$src/include/whisper.h" "$src"/ggml/include/*.h "$OUT.tmp/include/"
  touch "$OUT.tmp/.done"
  rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
  rm -rf "$work"
  log "whisper.cpp cached at $OUT"
}

with_lock whisper build
mkdir -p "$NATIVE_DIR"
# A build with other flags left other libraries here (a single libggml-cpu.so.0, other variants): replace them all.
rm -f "$NATIVE_DIR"/libggml*.so* "$NATIVE_DIR"/libwhisper*.so*
cp -P "$OUT"/lib/* "$NATIVE_DIR/"
cp "$OUT"/bin/* "$NATIVE_DIR/"
mkdir -p "$NATIVE_DIR/include" && cp "$OUT"/include/* "$NATIVE_DIR/include/"
