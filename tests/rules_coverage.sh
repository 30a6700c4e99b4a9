#!/usr/bin/env bash
# Every tolerance rule (docs/providers.md, "Tolerance rules", 1-30) is named by at least one test:
# a GoogleTest name (Rule12_…), an end-to-end case ("rule 12: …") or a conformance test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
missing=()
for n in $(seq 1 30); do
  grep -rqEi "rule[ _]?${n}([^0-9]|$)" "$root/tests/unit" "$root/tests/integration" \
    "$root/tests/conformance"/*.mjs || missing+=("$n")
done
if ((${#missing[@]})); then
  echo "tolerance rules without a test naming them: ${missing[*]}" >&2
  exit 1
fi
echo "all 30 tolerance rules are named by tests"
