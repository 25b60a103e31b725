#!/bin/sh
# deploy/release.sh CONFIG RELEASE_DIR [options of npm run deploy -- release]
#
# The release pipeline of README.md, "Deployment": install, typecheck and test, back up the
# journal, migrations (dry run first), the new version started on standby, smoke test,
# promote; the old version stays ready for a rollback (npm run deploy -- promote).
# Runs the pipeline from the code this script belongs to (the version in service); each
# step runs the release directory's own commands. Example:
#   deploy/release.sh /etc/bybot/bybot.yaml /opt/bybot/releases/0.2.0 \
#     --standby-command "systemctl restart bybot@main-green"
set -eu
if [ "$#" -lt 2 ]; then
  echo "usage: $0 CONFIG RELEASE_DIR [--standby-command CMD] [--smoke-duration 20s] [--timeout 120s] ..." >&2
  exit 2
fi
config=$1
release_dir=$2
shift 2
[ -f "$config" ] || { echo "$0: no configuration file $config" >&2; exit 2; }
[ -d "$release_dir" ] || { echo "$0: no release directory $release_dir" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
exec npm run --silent deploy -- release --config "$(realpath "$config")" --release-dir "$(realpath "$release_dir")" "$@"
