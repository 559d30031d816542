#!/usr/bin/env bash
# Builds the minimal static ffmpeg that the service decodes with: from Debian's own source package,
# no network protocols, only the demuxers/decoders for the formats the API accepts, linked only to
# libc/libm. Cached outside the repo; copied to .native/ffmpeg.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

FFMPEG_VERSION="5.1.9"
CONFIGURE_FLAGS=(--disable-everything --disable-doc --disable-network --disable-autodetect --disable-shared
  --enable-static --disable-ffplay --disable-ffprobe --enable-ffmpeg --enable-protocol=pipe,file
  --enable-demuxer=wav,mp3,mov,ogg,matroska,flac,aac,w64,aiff,caf
  --enable-decoder=pcm_s16le,pcm_s24le,pcm_s32le,pcm_f32le,pcm_u8,pcm_s16be,pcm_mulaw,pcm_alaw,mp3,mp3float,aac,aac_latm,vorbis,opus,flac,alac,adpcm_ima_wav,adpcm_ms
  --enable-parser=mpegaudio,aac,vorbis,opus,flac --enable-filter=aresample,aformat,anull,atrim
  --enable-swresample --enable-muxer=pcm_s16le,pcm_f32le,wav --enable-encoder=pcm_s16le,pcm_f32le)
KEY="$(printf '%s ' "$FFMPEG_VERSION" "${CONFIGURE_FLAGS[@]}" | sha1sum | cut -c1-12)"
OUT="$CACHE_ROOT/ffmpeg-min-$FFMPEG_VERSION-$KEY"

enable_deb_src() {
  # Debian's deb822 sources list "Types: deb"; add a deb-src twin beside it (once).
  local f=/etc/apt/sources.list.d/stt-deb-src.sources
  [ -f "$f" ] && return 0
  log "adding deb-src entries for bookworm (to build ffmpeg from Debian's source package)"
  $SUDO tee "$f" >/dev/null <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  rm -f "$APT_UPDATED_STAMP"
}

build() {
  [ -x "$OUT/ffmpeg" ] && return 0
  enable_deb_src
  apt_update_once
  apt_need nasm make gcc dpkg-dev xz-utils
  local work="$CACHE_ROOT/ffmpeg-src-$KEY"
  rm -rf "$work" && mkdir -p "$work"
  log "fetching Debian's ffmpeg source package"
  (cd "$work" && apt-get source --download-only -qq ffmpeg >/dev/null 2>&1) || die "apt-get source ffmpeg failed"
  local orig; orig="$(ls "$work"/ffmpeg_*.orig.tar.* | head -1)"
  case "$orig" in *"_$FFMPEG_VERSION.orig"*) ;; *) warn "Debian serves $(basename "$orig"), expected $FFMPEG_VERSION";; esac
  tar xf "$orig" -C "$work"
  local src; src="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'ffmpeg-*' | head -1)"
  log "building minimal static ffmpeg (about 2.5 minutes on 2 cores, once)"
  (cd "$src" && ./configure "${CONFIGURE_FLAGS[@]}" >"$work/configure.log" 2>&1) || { tail -30 "$work/configure.log"; die "ffmpeg configure failed"; }
  (cd "$src" && make -j"$(nproc)" >"$work/make.log" 2>&1) || { tail -30 "$work/make.log"; die "ffmpeg build failed"; }
  mkdir -p "$OUT.tmp" && cp "$src/ffmpeg" "$OUT.tmp/ffmpeg" && strip "$OUT.tmp/ffmpeg"
  rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
  rm -rf "$work"
  log "minimal ffmpeg cached at $OUT"
}

with_lock ffmpeg build
cp "$OUT/ffmpeg" "$NATIVE_DIR/ffmpeg"
