#!/bin/bash
# irbook on a SageMaker notebook instance: Node.js, the project and its TypeScript kernel.
#
# Source of on-create.sh and on-start.sh (node kernel-setup/sagemaker/sync.js writes them and
# the CloudFormation copy). Also runs by hand: bash lifecycle.sh start
#
# Installs Node.js from conda-forge into its own conda env, clones irbook and runs `npm ci`,
# all under /home/ec2-user/SageMaker (the only directory kept across stop/start), then
# registers the tslab kernel for Jupyter. A lifecycle script that runs over 5 minutes fails the
# instance, so the long steps run in the background; they log to $SAGEMAKER_HOME/irbook-setup.log.
# Every step skips what is done already, and a lock keeps two runs from overlapping.
#
# The functions run in the notebook user's bash (declare -f), which shellcheck cannot follow:
# shellcheck disable=SC2317
set -euo pipefail

# Parameters: set them in the environment to override.
IRBOOK_REPO_URL="${IRBOOK_REPO_URL:-https://github.com/irbook/irbook.git}"
IRBOOK_BRANCH="${IRBOOK_BRANCH:-main}"
IRBOOK_NODE_MAJOR="${IRBOOK_NODE_MAJOR:-22}"
IRBOOK_CONDA_CHANNEL="${IRBOOK_CONDA_CHANNEL:-conda-forge}" # a name or a mirror's URL
IRBOOK_AWS_REGION="${IRBOOK_AWS_REGION:-}"       # the stack's; written for the notebooks
IRBOOK_WORKGROUP="${IRBOOK_WORKGROUP:-}"         # the stack's Athena workgroup, likewise
IRBOOK_KERNEL_NAME="${IRBOOK_KERNEL_NAME:-}"     # empty: the irbook CLI's default name
IRBOOK_KERNEL_PREFIX="${IRBOOK_KERNEL_PREFIX:-}" # empty: --user (~/.local/share/jupyter)
SAGEMAKER_HOME="${SAGEMAKER_HOME:-/home/ec2-user/SageMaker}"
IRBOOK_PROJECT_DIR="${IRBOOK_PROJECT_DIR:-$SAGEMAKER_HOME/irbook}"
CONDA_ROOT="${CONDA_ROOT:-/home/ec2-user/anaconda3}"
OS_RELEASE_FILE="${OS_RELEASE_FILE:-/etc/os-release}"
IRBOOK_LC_USER="${IRBOOK_LC_USER-ec2-user}"       # empty: stay the current user
IRBOOK_LC_FOREGROUND="${IRBOOK_LC_FOREGROUND:-0}" # 1: wait for the setup instead of nohup
IRBOOK_LC_STRICT="${IRBOOK_LC_STRICT:-$IRBOOK_LC_FOREGROUND}" # 1: a failure fails the script
IRBOOK_LC_HOOK="${1:-${IRBOOK_LC_HOOK:-start}}" # hook line (sync.js sets it per script)

STATE_DIR="$SAGEMAKER_HOME/.irbook"
# Passed through sudo (which clears the environment) to conda, git and npm, when set.
PASS_THROUGH=(HTTPS_PROXY HTTP_PROXY NO_PROXY https_proxy http_proxy no_proxy NPM_CONFIG_REGISTRY)
NODE_PREFIX="$STATE_DIR/node"
LOCK_FILE="$STATE_DIR/setup.lock"
DEPS_STAMP="$STATE_DIR/npm-ci.stamp"
LOG_FILE="$SAGEMAKER_HOME/irbook-setup.log"
PLATFORM=unknown

log() { printf '%s irbook %s: %s\n' "$(date -u +%FT%TZ)" "$IRBOOK_LC_HOOK" "$*"; }

detect_platform() {
  local id="" version=""
  if [ -r "$OS_RELEASE_FILE" ]; then
    id=$(sed -n 's/^ID=//p' "$OS_RELEASE_FILE" | tr -d '"')
    version=$(sed -n 's/^VERSION_ID=//p' "$OS_RELEASE_FILE" | tr -d '"')
  fi
  case "$id:$version" in
    amzn:2) echo al2 ;;
    amzn:2023*) echo al2023 ;;
    *) echo "other:${id:-none}:${version:-none}" ;;
  esac
}

node_ok() {
  local version
  version=$("$NODE_PREFIX/bin/node" --version 2>/dev/null) || return 1
  [ "${version%%.*}" = "v$IRBOOK_NODE_MAJOR" ]
}

# Node from conda-forge (or IRBOOK_CONDA_CHANNEL), in a conda env of its own on the persistent
# volume: a system package would not survive a stop/start.
ensure_node() {
  if node_ok; then
    log "Node.js $("$NODE_PREFIX/bin/node" --version) is installed in $NODE_PREFIX"
    return 0
  fi
  if [ ! -x "$CONDA_ROOT/bin/conda" ]; then
    log "conda not found at $CONDA_ROOT/bin/conda (set CONDA_ROOT)"
    return 1
  fi
  if [ -e "$NODE_PREFIX" ]; then
    log "removing $NODE_PREFIX (unfinished, or not Node.js $IRBOOK_NODE_MAJOR)"
    rm -rf "$NODE_PREFIX"
  fi
  log "installing Node.js $IRBOOK_NODE_MAJOR from $IRBOOK_CONDA_CHANNEL into $NODE_PREFIX ($PLATFORM)"
  "$CONDA_ROOT/bin/conda" create --yes --quiet --prefix "$NODE_PREFIX" \
    --override-channels --channel "$IRBOOK_CONDA_CHANNEL" "nodejs=$IRBOOK_NODE_MAJOR"
  if ! node_ok; then
    log "$NODE_PREFIX/bin/node does not run or is not Node.js $IRBOOK_NODE_MAJOR; its error:"
    "$NODE_PREFIX/bin/node" --version || true
    return 1
  fi
  log "installed Node.js $("$NODE_PREFIX/bin/node" --version)"
}

ensure_project() {
  if [ -d "$IRBOOK_PROJECT_DIR/.git" ]; then
    log "project is cloned at $IRBOOK_PROJECT_DIR (left as it is: pull by hand to update)"
    return 0
  fi
  if [ -e "$IRBOOK_PROJECT_DIR" ]; then
    log "$IRBOOK_PROJECT_DIR exists but is not a git clone: move it away and rerun"
    return 1
  fi
  local tmp="$STATE_DIR/clone.tmp"
  rm -rf "$tmp"
  log "cloning $IRBOOK_REPO_URL (branch $IRBOOK_BRANCH) into $IRBOOK_PROJECT_DIR"
  git clone --branch "$IRBOOK_BRANCH" "$IRBOOK_REPO_URL" "$tmp"
  mv "$tmp" "$IRBOOK_PROJECT_DIR"
}

# What the installed node_modules and dist/ were built from.
deps_fingerprint() {
  local node_version head lock
  node_version=$("$NODE_PREFIX/bin/node" --version)
  head=$(git -C "$IRBOOK_PROJECT_DIR" rev-parse HEAD)
  lock=$(sha256sum "$IRBOOK_PROJECT_DIR/package-lock.json")
  echo "node=$node_version commit=$head lock=${lock%% *}"
}

deps_ok() {
  [ -f "$DEPS_STAMP" ] && [ -e "$IRBOOK_PROJECT_DIR/node_modules/tslab/bin/tslab" ] &&
    [ -e "$IRBOOK_PROJECT_DIR/dist/cli.js" ] &&
    [ "$(cat "$DEPS_STAMP")" = "$(deps_fingerprint)" ]
}

ensure_deps() {
  if deps_ok; then
    log "node_modules and dist/ match $(cat "$DEPS_STAMP")"
    return 0
  fi
  rm -f "$DEPS_STAMP"
  log "npm ci in $IRBOOK_PROJECT_DIR (installs the packages and builds the library)"
  (cd "$IRBOOK_PROJECT_DIR" && PATH="$NODE_PREFIX/bin:$PATH" "$NODE_PREFIX/bin/npm" ci --no-audit --no-fund)
  deps_fingerprint >"$DEPS_STAMP"
}

# The stack's region and workgroup, where the notebooks look (~/.irbook/aws.json), at every
# start: the home directory is not on the persistent volume.
write_aws_settings() {
  [ -n "$IRBOOK_AWS_REGION$IRBOOK_WORKGROUP" ] || return 0
  if [[ ! "$IRBOOK_AWS_REGION" =~ ^[a-z0-9-]*$ || ! "$IRBOOK_WORKGROUP" =~ ^[A-Za-z0-9._-]*$ ]]; then
    log "IRBOOK_AWS_REGION or IRBOOK_WORKGROUP is not a region or workgroup name; not written"
    return 1
  fi
  mkdir -p "$HOME/.irbook"
  printf '{"region": "%s", "workgroup": "%s"}\n' "$IRBOOK_AWS_REGION" "$IRBOOK_WORKGROUP" >"$HOME/.irbook/aws.json"
  log "wrote $HOME/.irbook/aws.json: region ${IRBOOK_AWS_REGION:-(unset)}, workgroup ${IRBOOK_WORKGROUP:-(unset)}"
}

# The kernelspec lives outside the persistent volume, so this runs at every start.
register_kernel() {
  local args=(kernel install)
  if [ -n "$IRBOOK_KERNEL_PREFIX" ]; then
    args+=(--prefix "$IRBOOK_KERNEL_PREFIX")
  else
    args+=(--user)
  fi
  if [ -n "$IRBOOK_KERNEL_NAME" ]; then
    args+=(--name "$IRBOOK_KERNEL_NAME")
  fi
  log "registering the kernel: irbook ${args[*]}"
  "$NODE_PREFIX/bin/node" "$IRBOOK_PROJECT_DIR/bin/irbook.js" "${args[@]}"
}

# Runs as the notebook user. Status 10: not installed yet, or another run holds the lock.
register_if_installed() {
  exec >>"$LOG_FILE" 2>&1
  exec 9>>"$LOCK_FILE"
  if ! flock -n 9; then
    log "another setup run is active; the kernel is registered when it ends"
    return 10
  fi
  if ! node_ok || [ ! -d "$IRBOOK_PROJECT_DIR/.git" ] || ! deps_ok; then
    log "not installed yet, or out of date: installing"
    return 10
  fi
  register_kernel
  log "ready: the kernel is registered"
}

# Runs as the notebook user, in the background unless IRBOOK_LC_FOREGROUND=1.
setup() {
  exec >>"$LOG_FILE" 2>&1
  exec 9>>"$LOCK_FILE"
  if ! flock -n 9; then
    log "waiting for the setup run that holds $LOCK_FILE"
    flock 9
  fi
  trap 'status=$?; [ "$status" = 0 ] || log "FAILED (exit $status): see above, then rerun (kernel-setup/README.md)"' EXIT
  log "setup started (pid $$, platform $PLATFORM)"
  ensure_node
  ensure_project
  ensure_deps
  register_kernel
  log "ready: the kernel is registered; reload the Jupyter page to see it"
}

# The code a user-side bash runs: settings plus functions (nothing is written as root).
user_code() {
  declare -p IRBOOK_REPO_URL IRBOOK_BRANCH IRBOOK_NODE_MAJOR IRBOOK_CONDA_CHANNEL IRBOOK_KERNEL_NAME \
    IRBOOK_KERNEL_PREFIX SAGEMAKER_HOME IRBOOK_PROJECT_DIR CONDA_ROOT IRBOOK_LC_HOOK \
    IRBOOK_AWS_REGION IRBOOK_WORKGROUP STATE_DIR NODE_PREFIX LOCK_FILE DEPS_STAMP LOG_FILE PLATFORM PATH
  declare -f log node_ok ensure_node ensure_project deps_fingerprint deps_ok ensure_deps \
    write_aws_settings register_kernel register_if_installed setup
  # As AWS's lifecycle samples do: conda chowns what it writes to SUDO_UID when it is set.
  echo 'unset SUDO_UID; set -euo pipefail; "$@"'
}

main() {
  local as_user=(env) code status name
  if [ -n "$IRBOOK_LC_USER" ] && [ "$(id -un)" != "$IRBOOK_LC_USER" ]; then
    as_user=(sudo -u "$IRBOOK_LC_USER" -H -- env)
  fi
  for name in "${PASS_THROUGH[@]}"; do
    if [ -n "${!name:-}" ]; then as_user+=("$name=${!name}"); fi
  done
  PLATFORM=$(detect_platform)
  case "$PLATFORM" in
    al2023) ;;
    al2) log "Amazon Linux 2: AL2 notebook instances cannot be created or restarted from 1 July 2026; move to notebook-al2023-v1" ;;
    *) log "not Amazon Linux 2023 ($PLATFORM); continuing with conda at $CONDA_ROOT" ;;
  esac
  if [ ! -d "$SAGEMAKER_HOME" ]; then
    log "$SAGEMAKER_HOME does not exist: is this a SageMaker notebook instance?"
    return 1
  fi
  "${as_user[@]}" mkdir -p "$STATE_DIR"
  code=$(user_code)
  "${as_user[@]}" bash -c "$code" irbook-setup write_aws_settings || true
  if [ "$IRBOOK_LC_HOOK" = start ]; then
    status=0
    "${as_user[@]}" bash -c "$code" irbook-setup register_if_installed || status=$?
    if [ "$status" = 0 ]; then
      log "kernel registered; log: $LOG_FILE"
      return 0
    fi
  fi
  if [ "$IRBOOK_LC_FOREGROUND" = 1 ]; then
    "${as_user[@]}" bash -c "$code" irbook-setup setup
    log "setup finished; log: $LOG_FILE"
  else
    nohup "${as_user[@]}" bash -c "$code" irbook-setup setup </dev/null >/dev/null 2>&1 &
    log "setup continues in the background (pid $!); progress: $LOG_FILE"
  fi
}

# A setup failure must not stop the notebook instance from starting (unless strict).
set +e
(
  set -e
  main
)
status=$?
set -e
if [ "$status" != 0 ]; then
  log "setup failed (exit $status); details: $LOG_FILE"
  if [ "$IRBOOK_LC_STRICT" = 1 ]; then exit "$status"; fi
  log "the notebook instance starts without the irbook kernel"
fi
exit 0
