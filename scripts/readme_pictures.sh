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
# the Russian translation beside it (briefs/kazakhstan-osce-2010.ru.yaml), built by the same command
pdftoppm -r 45 -png -f 1 -l 1 -singlefile "$tmp/kazakhstan-osce-2010.ru/kazakhstan-osce-2010.ru_practitioner.pdf" \
  docs/first-page-practitioner-ru
echo "docs/first-page-practitioner-ru.png"

# the follow-up a year on (briefs/kazakhstan-osce-2011.yaml), and its tracker sheet as LibreOffice Calc prints it
briefgen build briefs/kazakhstan-osce-2011.yaml -a follow-up -f pdf -f xlsx -o "$tmp" >/dev/null
pdftoppm -r 45 -png -f 1 -l 1 -singlefile "$tmp/kazakhstan-osce-2011/kazakhstan-osce-2011_follow-up.pdf" \
  docs/first-page-follow-up
echo "docs/first-page-follow-up.png"
(cd "$tmp" && soffice --headless --convert-to pdf --outdir "$tmp" \
  "$tmp/kazakhstan-osce-2011/kazakhstan-osce-2011_tracker.xlsx" >/dev/null 2>&1)
pdftoppm -r 160 -png -f 1 -l 1 -singlefile "$tmp/kazakhstan-osce-2011_tracker.pdf" "$tmp/tracker"
python3 -c 'from PIL import Image, ImageChops; import sys
im = Image.open(sys.argv[1]).convert("RGB")
left, top, right, bottom = ImageChops.difference(im, Image.new("RGB", im.size, "white")).getbbox()
im.crop((max(left - 10, 0), max(top - 10, 0), right + 10, bottom + 10)).quantize(64).save(sys.argv[2], optimize=True)' \
  "$tmp/tracker.png" docs/tracker-sheet.png
echo "docs/tracker-sheet.png"

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

# docs/email.md's picture: what a recipient of the practitioner brief sees, the message's
# HTML part rendered by headless Chromium (Debian: chromium) at a mail client's reading width.
briefgen mail briefs/kazakhstan-osce-2010.yaml -a practitioner --recipients briefs/distribution.csv \
  --from "Jane Analyst <jane.analyst@example.org>" --eml "$tmp/drafts" -o "$tmp" >/dev/null
python3 -c 'import email, email.policy, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
open(sys.argv[2], "w", encoding="utf-8").write(msg.get_body(("html",)).get_content())' \
  "$tmp/drafts/kazakhstan-osce-2010_practitioner.eml" "$tmp/body.html"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$tmp/chromium" \
  --window-size=700,1040 --screenshot="$tmp/email.png" "file://$tmp/body.html" 2>/dev/null
python3 -c 'from PIL import Image; import sys
Image.open(sys.argv[1]).convert("RGB").quantize(64).save(sys.argv[2], optimize=True)' "$tmp/email.png" \
  docs/email-practitioner.png 2>/dev/null || cp "$tmp/email.png" docs/email-practitioner.png
echo "docs/email-practitioner.png"
