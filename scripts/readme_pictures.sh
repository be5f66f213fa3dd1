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
