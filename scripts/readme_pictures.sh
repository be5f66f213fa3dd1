#!/usr/bin/env bash
# Regenerate the README's pictures: the first page of each audience's PDF of the sample brief.
# Needs pdftoppm (Debian: poppler-utils). Run from the repository root: bash scripts/readme_pictures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
briefgen build briefs/kazakhstan-osce-2010.yaml -f pdf -o "$tmp" >/dev/null
for audience in policymaker practitioner press academic; do
  pdftoppm -r 45 -png -f 1 -l 1 -singlefile "$tmp/kazakhstan-osce-2010/kazakhstan-osce-2010_${audience}.pdf" \
    "docs/first-page-${audience}"
  echo "docs/first-page-${audience}.png"
done

# docs/customising.md's picture: its worked example, run in a scratch workspace.
repo=$(pwd)
(
  cd "$tmp" && briefgen init ws >/dev/null && cd ws
  briefgen templates new parliament --from policymaker >/dev/null
  cp logo-example.png templates/parliament/logo.png
  python3 -c 'import re, sys; page = open(sys.argv[1], encoding="utf-8").read()
block = re.search(r"^```yaml\n# file: templates/parliament/style.yaml\n(.*?)^```", page, re.S | re.M).group(1)
open("templates/parliament/style.yaml", "w", encoding="utf-8").write(block)' "$repo/docs/customising.md"
  briefgen build -a parliament -f pdf >/dev/null
  pdftoppm -r 45 -png -f 1 -l 1 -singlefile out/kazakhstan-osce-2010/kazakhstan-osce-2010_parliament.pdf \
    "$repo/docs/customising-parliament"
)
echo "docs/customising-parliament.png"
