# Source this file: `. scripts/use-node24.sh`. A no-op when Node >= 22.22.2 is already on PATH.
# Otherwise it installs the `node@24` package from the npm registry once (it carries the official binary
# and its C++ headers for this platform: linux-x64, linux-arm64, darwin-x64 or darwin-arm64), puts it
# first on PATH, and points node-gyp at its headers (npm_config_nodedir) so native addons such as re2
# build for the right ABI without downloading anything else. Other platforms get one line saying so.
_kw_version=$(node -p 'process.versions.node' 2>/dev/null || echo 0.0.0)
_kw_ok=$(node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.stdout.write(a>22||(a===22&&b>=22)?"1":"0")' 2>/dev/null || echo 0)
if [ "$_kw_ok" != "1" ]; then
  case "$(uname -s 2>/dev/null)/$(uname -m 2>/dev/null)" in
    Linux/x86_64 | Linux/amd64 | Linux/aarch64 | Linux/arm64 | Darwin/x86_64 | Darwin/arm64) _kw_supported=1 ;;
    *) _kw_supported=0 ;;
  esac
  if [ "$_kw_supported" != "1" ]; then
    echo "keyward: Node $_kw_version is too old and this script supports only linux-x64, linux-arm64, darwin-x64 and darwin-arm64 ($(uname -s 2>/dev/null)/$(uname -m 2>/dev/null) here): install Node.js 24 LTS from https://nodejs.org yourself" >&2
  else
    _kw_dir="${HOME}/.cache/keyward-node24"
    _kw_pkg=""
    _kw_find() {
      for _kw_candidate in "$_kw_dir"/node_modules/node/node_modules/node-*-* "$_kw_dir"/node_modules/node/node_modules/node-bin-*-*; do
        if [ -x "$_kw_candidate/bin/node" ]; then _kw_pkg="$_kw_candidate"; return 0; fi
      done
      return 1
    }
    if ! _kw_find; then
      echo "keyward: Node $_kw_version is too old; installing node@24 from the npm registry into $_kw_dir" >&2
      mkdir -p "$_kw_dir" && (cd "$_kw_dir" && npm init -y >/dev/null 2>&1 && npm install --no-audit --no-fund --loglevel=error node@24 >/dev/null)
      _kw_find
    fi
    if [ -n "$_kw_pkg" ]; then
      export PATH="$_kw_pkg/bin:$PATH"
      export npm_config_nodedir="$_kw_pkg"
    else
      echo "keyward: could not install node@24 from the npm registry; install Node.js 24 LTS from https://nodejs.org" >&2
    fi
    unset -f _kw_find
  fi
fi
unset _kw_version _kw_ok _kw_dir _kw_pkg _kw_supported _kw_candidate
