#!/usr/bin/env bash
# Unpacks Debian's azure-cli (and the Python packages it needs that this machine lacks) into a cache folder,
# without a system install, and prints the path of an `az` wrapper that runs it with the system python3.
#
#   scripts/azure-cli.sh            # prints e.g. node_modules/.cache/azure-cli/bin/az
#   AZURE_CLI_CACHE=/some/dir scripts/azure-cli.sh
#
# Idempotent: a second run finds the stamp of a finished unpack and only prints the path.
# Needs apt-get (Debian bookworm's archive carries azure-cli 2.45) and dpkg; root only if the apt lists are
# empty (then it runs `apt-get update`).
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${AZURE_CLI_CACHE:-node_modules/.cache/azure-cli}"
root="$cache/root"
stamp="$cache/.unpacked"
wrapper="$cache/bin/az"

if [ -f "$stamp" ] && [ -x "$wrapper" ]; then
  echo "$wrapper"
  exit 0
fi

if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
  echo "azure-cli: needs a Debian-like system with apt-get and dpkg." >&2
  exit 1
fi
policy=$(apt-cache policy azure-cli 2>/dev/null || true)
if ! grep -q 'Candidate: [0-9]' <<<"$policy"; then
  echo "azure-cli: no candidate in the apt lists; running apt-get update." >&2
  apt-get update -q >&2
fi

# The dependency closure without recommends/suggests; `<virtual>` names and installer-only packages
# (debconf's alternatives) are left out: only azure-cli itself and Python packages are unpacked.
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances azure-cli | grep -v '^ ' | grep -E '^(azure-cli|python3-)' | sort -u)
missing=()
for package in $closure; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done

mkdir -p "$cache/debs" "$root" "$cache/bin"
echo "azure-cli: fetching ${#missing[@]} packages into $cache/debs" >&2
# apt-get download writes into the current directory and skips nothing by itself: fetch only absent files.
(
  cd "$cache/debs"
  absent=()
  for package in "${missing[@]}"; do
    compgen -G "${package}_*.deb" >/dev/null || absent+=("$package")
  done
  if [ ${#absent[@]} -gt 0 ]; then apt-get download -q "${absent[@]}" >&2; fi
)
for deb in "$cache"/debs/*.deb; do dpkg -x "$deb" "$root"; done

site="$(cd "$root/usr/lib/python3/dist-packages" && pwd)"
cat >"$wrapper" <<WRAPPER
#!/usr/bin/env bash
# Debian's azure-cli, unpacked by scripts/azure-cli.sh; runs with the system python3 and the unpacked packages
# ahead of the system's own dist-packages.
export PYTHONPATH="$site\${PYTHONPATH:+:\$PYTHONPATH}"
exec /usr/bin/python3 -s -m azure.cli "\$@"
WRAPPER
chmod +x "$wrapper"
"$wrapper" version --output none >&2 || { echo "azure-cli: the unpacked az does not start." >&2; exit 1; }
touch "$stamp"
echo "$wrapper"
