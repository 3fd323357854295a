#!/usr/bin/env bash
# Builds src/Neurite/Resources/kjv.txt.gz, the King James Bible corpus behind
# Neurite.Data.Text.Corpora.KingJamesBible(), from Debian's bible-kjv package
# (apt-get install bible-kjv). See src/Neurite/Resources/README.md.
#
# Output format (plain ASCII, hence UTF-8, LF line ends):
#   - one verse per line, the book/chapter:verse reference stripped;
#   - one empty line between chapters (and so between books); no headings;
#   - spaces trimmed at line ends and runs of spaces collapsed to one
#     (the source has one trailing space, Mark 10:19, and two double spaces);
#   - the file ends with a single newline.
# The result is gzipped with `gzip -n -9` (no name or time stamp), so the same package
# version always gives the same bytes.
set -euo pipefail
export LC_ALL=C

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/../src/Neurite/Resources/kjv.txt.gz}"

command -v bible >/dev/null || { echo "make-kjv-corpus: 'bible' not found; apt-get install bible-kjv" >&2; exit 1; }

tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT

# -f turns pretty-printing off: one "Ref Book C:V text" line per verse, no line wrapping.
# Run from an empty directory so no stray ./bible.data is picked up instead of /usr/lib's.
(cd "$(mktemp -d)" && bible -f Gen1:1-Rev22:21) |
awk '
  {
    ref = $1
    if (ref !~ /^[1-3]?[A-Za-z]+[0-9]+:[0-9]+$/) { print "make-kjv-corpus: unexpected line " NR ": " $0 > "/dev/stderr"; exit 1 }
    chapter = ref; sub(/:[0-9]+$/, "", chapter)
    text = substr($0, length(ref) + 2)
    gsub(/ +/, " ", text); sub(/ +$/, "", text); sub(/^ +/, "", text)
    if (NR > 1 && chapter != last) print ""
    print text
    last = chapter; verses++
  }
  END { if (verses != 31102) { print "make-kjv-corpus: expected 31102 verses, got " verses > "/dev/stderr"; exit 1 } }
' > "$tmp"

gzip -n -9 -c "$tmp" > "$out"
echo "verses: 31102, bytes: $(wc -c < "$tmp"), gz bytes: $(wc -c < "$out")"
echo "sha256 (gz):  $(sha256sum "$out" | cut -d' ' -f1)"
echo "sha256 (txt): $(sha256sum "$tmp" | cut -d' ' -f1)"
