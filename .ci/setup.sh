#!/usr/bin/env bash
# `npm run setup`: from a fresh clone to lab 03 running (README.md, first block).
#   1. Node.js 20.19+, the dependencies (npm ci) and the build.
#   2. A Docker engine with Compose v2. Where none runs: provision one with provision-engine.sh
#      (Debian 12, as root), or say what to install.
#   3. Images. `lab prepare` pulls the ones every lab names. Where no registry answers, lab uses
#      the local images provision-engine.sh builds from Debian's packages, through lab's own
#      image-substitution file, $LAB_HOME/images.conf (docs/commands.md, "Environment"), written here.
#   4. `lab` on the PATH (npm link), then `lab up 03`.
# Safe to run again: each step is skipped, or redone, as what it finds requires.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] %s\n' "$*" >&2; exit 1; }
lab() { node dist/index.js "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. Node.js, dependencies, build.
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
  die "lab needs Node.js 20.19 or newer; this is $(node --version). Install a newer one (e.g. from https://nodejs.org), then run npm run setup again."
if [ -L node_modules ]; then
  log "node_modules is a link to a shared install: left as it is"
elif [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  log "dependencies are up to date"
else
  log "installing dependencies (npm ci)"
  # Exactly the lockfile. Install scripts of ssh2/cpu-features are optional native speed-ups
  # dockerode can do without.
  npm ci --no-audit --no-fund --loglevel=error
fi
log "building (npm run build)"
npm run build --silent

# 2. Engine. provision-engine.sh follows the notes of the project's Debian 12 machines.
can_provision() { [ "$(id -u)" = 0 ] && [ -r /etc/apt/sources.list.d/debian.sources ] && command -v apt-get >/dev/null; }
provision() { # why
  log "$1: provisioning with .ci/provision-engine.sh (engine, Compose v2, HAProxy, local images)"
  bash .ci/provision-engine.sh
}
if ! docker info >/dev/null 2>&1 || ! docker compose version >/dev/null 2>&1; then
  why=$(if ! command -v docker >/dev/null; then echo "no Docker"; elif ! docker info >/dev/null 2>&1; then echo "no Docker engine answers"; else echo "no Compose v2"; fi)
  can_provision || die "$why. Install Docker Engine with the Compose v2 plugin (https://docs.docker.com/engine/install/) and start it, then run npm run setup again. (As root on Debian 12, npm run setup provisions one itself.)"
  provision "$why"
  provisioned=1
fi

# 3. Images. The path is lab's: $LAB_HOME, else $XDG_STATE_HOME/lab, else ~/.local/state/lab
#    (labHome() in src/context.ts), then images.conf (src/config/images-file.ts).
images_file="${LAB_HOME:-${XDG_STATE_HOME:-$HOME/.local/state}/lab}/images.conf"
marker='# Written by npm run setup (.ci/setup.sh), which rewrites or removes it when run again.'
# A file setup wrote is its own earlier choice, made again below; any other file is the user's.
if [ -f "$images_file" ] && [ "$(head -n 1 "$images_file")" = "$marker" ]; then rm "$images_file"; fi

log "getting the images the labs name (lab prepare; a first pull can take a minute)"
set +e
lab prepare >"$tmp/prepare.out" 2>"$tmp/prepare.err"
rc=$?
set -e
if [ $rc -eq 0 ]; then
  log "images: $(head -n 1 "$tmp/prepare.out")"
elif [ $rc -eq 3 ] && grep -q 'Could not pull' "$tmp/prepare.err"; then # pullImage(), src/instructor/images-engine.ts
  reason=$(grep -m 1 'Could not pull' "$tmp/prepare.err" | sed 's/^[^A-Za-z]*//')
  [ -z "${LAB_IMAGES:-}" ] || { cat "$tmp/prepare.err" >&2; die "LAB_IMAGES is set and names an image that cannot be pulled; fix LAB_IMAGES (or unset it), then run npm run setup again."; }
  [ ! -e "$images_file" ] || { cat "$tmp/prepare.err" >&2; die "$images_file (yours: setup leaves it alone) names an image that cannot be pulled; fix it, or remove it to let setup choose, then run npm run setup again."; }
  log "no registry reachable ($reason)"
  local_images=(lab-local/haproxy:3.0 lab-local/node:20 lab-local/redis:8) # what provision-engine.sh builds
  if can_provision && [ -z "${provisioned:-}" ]; then
    provision "no registry"
  elif ! docker image inspect "${local_images[@]}" >/dev/null 2>&1; then
    die "No registry is reachable and the local images ${local_images[*]} are missing. As root on Debian 12, bash .ci/provision-engine.sh builds them; elsewhere load a bundle made on a connected machine (lab prepare --load bundle.tar) or point LAB_IMAGES at a mirror (docs/offline-classrooms.md)."
  fi
  mkdir -p "$(dirname "$images_file")"
  cat >"$images_file" <<EOF
$marker
# No registry was reachable, so lab runs the local images .ci/provision-engine.sh builds from
# Debian's packages instead of the ones the lab files name. LAB_IMAGES and --image win over
# these lines; remove this file to use the lab files' own images.
haproxy:3.0=${local_images[0]}
node:20-alpine=${local_images[1]}
redis:7-alpine=${local_images[2]}
EOF
  log "wrote $images_file: lab uses ${local_images[*]} (lab doctor lists the substitutions in effect)"
else
  cat "$tmp/prepare.err" >&2
  die "lab prepare failed (exit $rc); fix what it says above, then run npm run setup again."
fi

# 4. lab on the PATH, and lab 03.
# `type -P`: the lab on the PATH, not the function above.
here=$(pwd -P)
if [ "$(readlink -f "$(type -P lab)" 2>/dev/null)" = "$here/dist/index.js" ]; then
  log "lab is on your PATH ($(type -P lab))"
elif ! npm link --no-audit --no-fund --loglevel=error >"$tmp/link.out" 2>&1; then
  log "could not put lab on your PATH (npm link: $(grep -m 1 -i 'err' "$tmp/link.out" || tail -n 1 "$tmp/link.out")): run npm link with the rights it needs, or use node dist/index.js in place of lab"
elif [ "$(readlink -f "$(type -P lab)" 2>/dev/null)" = "$here/dist/index.js" ]; then
  log "lab is on your PATH (npm link: $(type -P lab))"
else
  log "npm link put lab in $(npm prefix -g)/bin, which is not first on your PATH: add that folder to PATH, or use node dist/index.js in place of lab"
fi
log "starting lab 03 (lab up 03)"
lab up 03
log "done. Next: npm test runs every test; lab check 03 proves the traffic is spread; lab down 03 removes the lab."
