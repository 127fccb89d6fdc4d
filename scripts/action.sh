#!/usr/bin/env bash
# The GitHub Action's scan step (see action.yml): decides what to scan from the event, runs
# keyfence, writes annotations, the SARIF file, the step summary and the step outputs.
#
# Inputs (environment, as action.yml passes them):
#   INPUT_MODE              auto | history | tree (default auto)
#   INPUT_RANGE             a git revision range to scan instead of the event's commits
#   INPUT_ARGS              extra arguments for `keyfence scan` (split on white space; they
#                           cannot turn redaction off: --no-redact, --redact=0 are refused)
#   INPUT_UPLOAD_SARIF      "true": also write the SARIF report (action.yml uploads it)
#   INPUT_SARIF_FILE        where to write it (default keyfence.sarif)
#   INPUT_VERIFY            "true": the scan runs with --verify (AWS STS says whether each key
#                           pair found is live); "false" (default) does not
#   INPUT_FAIL_ON_FINDINGS  "true" (default): exit 1 when anything is found
#   KEYFENCE_BIN            keyfence's bin/keyfence.js (default: the one next to this script)
#   GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY: set by Actions.
#
# What is scanned in auto mode:
#   pull_request(_target)  the PR's commits: --history <base sha>..<head sha>
#   push                   the pushed commits: --history <before>..<after>; for a new branch
#                          (before = 000…), the commits not on the default branch:
#                          --history origin/<default>..<after>, or all of <after> without one
#   anything else          the checked-out tree (what git would commit)
#
# Exit codes: 0 clean (or findings with INPUT_FAIL_ON_FINDINGS=false), 1 findings, 2 error.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${KEYFENCE_BIN:-$here/../bin/keyfence.js}
mode=${INPUT_MODE:-auto}
range=${INPUT_RANGE:-}
sarif_file=${INPUT_SARIF_FILE:-keyfence.sarif}
zeros=0000000000000000000000000000000000000000

fail() {
  echo "::error title=keyfence::$*"
  exit 2
}

# One field of the event payload (dot path), empty when absent.
event_field() {
  [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ] || return 0
  node -e '
    const v = process.argv[2].split(".").reduce((o, k) => (o == null ? undefined : o[k]), JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")));
    if (v !== undefined && v !== null) process.stdout.write(String(v));
  ' "$GITHUB_EVENT_PATH" "$1"
}

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; fi
}

case "$mode" in auto | history | tree) ;; *) fail "mode must be auto, history or tree, not \"$mode\"" ;; esac
verify=${INPUT_VERIFY:-false}
case "$verify" in true | false) ;; *) fail "verify must be true or false, not \"$verify\"" ;; esac

if [ -z "$range" ] && [ "$mode" != tree ]; then
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request | pull_request_target)
      base=$(event_field pull_request.base.sha)
      head=$(event_field pull_request.head.sha)
      [ -n "$base" ] && [ -n "$head" ] && range="$base..$head"
      ;;
    push)
      before=$(event_field before)
      after=$(event_field after)
      if [ -n "$after" ] && [ "$after" != "$zeros" ]; then
        if [ -n "$before" ] && [ "$before" != "$zeros" ]; then
          range="$before..$after"
        else
          default=$(event_field repository.default_branch)
          if [ -n "$default" ] && git rev-parse -q --verify "refs/remotes/origin/$default^{commit}" >/dev/null &&
            [ "$(git rev-parse "refs/remotes/origin/$default")" != "$after" ]; then
            range="origin/$default..$after"
          else
            range="$after"
          fi
        fi
      fi
      ;;
  esac
  [ "$mode" = history ] && [ -z "$range" ] && fail "mode history needs a pull_request or push event, or a range"
fi

scan_args=(scan)
if [ -n "$range" ]; then
  # History needs the commits: deepen a shallow checkout (actions/checkout fetches one commit
  # unless told fetch-depth: 0) and fetch ends of the range that are missing.
  if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
    git fetch --quiet --no-tags --unshallow origin || echo "::warning title=keyfence::could not unshallow the checkout; use actions/checkout with fetch-depth: 0"
  fi
  ends=${range//.../ }
  for end in ${ends//../ }; do
    case "$end" in origin/*) continue ;; esac
    git cat-file -e "$end^{commit}" 2>/dev/null || git fetch --quiet --no-tags origin "$end" ||
      echo "::warning title=keyfence::commit $end is not in the checkout; use actions/checkout with fetch-depth: 0"
  done
  scan_args+=(--history "$range")
  echo "keyfence: scanning commits $range"
else
  echo "keyfence: scanning the checked-out tree"
fi
if [ "$verify" = true ]; then scan_args+=(--verify); fi
extra=()
if [ -n "${INPUT_ARGS:-}" ]; then read -r -a extra <<<"$INPUT_ARGS"; fi
# The annotations and the log are visible to everyone who can see the workflow run: the args
# input cannot turn redaction off (keyfence itself rejects anything but 0-100 for --redact).
for ((i = 0; i < ${#extra[@]}; i++)); do
  a=${extra[$i]}
  if [ "$a" = --no-redact ] || [ "$a" = --redact=0 ] || [[ "$a" =~ ^--redact=0+$ ]] ||
    { [ "$a" = --redact ] && [[ "${extra[$((i + 1))]:-}" =~ ^0+$ ]]; }; then
    fail "args: $a would print secrets in clear in the workflow log; the Action always redacts"
  fi
  case "$a" in
    --exit-code | --exit-code=*) fail "args: $a: use the fail-on-findings input instead" ;;
    --format | --format=* | -f | -o | --output | --output=*) fail "args: $a: the Action chooses the reports (annotations, upload-sarif)" ;;
  esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One scan, every report: annotations on stdout, a JSON report for the outputs and the step
# summary, and the SARIF file when asked.
reports=(--report "json:$work/keyfence.json")
if [ "${INPUT_UPLOAD_SARIF:-false}" = true ]; then reports+=(--report "sarif:$sarif_file"); fi
node "$bin" "${scan_args[@]}" "${extra[@]}" --format github --no-color "${reports[@]}"
code=$?
[ "$code" -gt 1 ] && { output exit-code "$code"; exit "$code"; }
[ "${INPUT_UPLOAD_SARIF:-false}" = true ] && output sarif-file "$sarif_file"

# From the JSON report: the number of findings, then (for the step summary) the counts line
# and one table row per finding.
facts=$(node -e '
  const fs = require("fs");
  const r = fs.existsSync(process.argv[1]) ? JSON.parse(fs.readFileSync(process.argv[1], "utf8")) : { findings: [], suppressed: [], stats: {} };
  const s = r.stats || {};
  const cell = (v) => String(v).replace(/[\u0000-\u001f\u007f]/g, " ").replace(/\|/g, "\\|").replace(/`/g, "\u02cb");
  const n = r.findings.length;
  const lines = [String(n)];
  lines.push(`keyfence: ${n} finding${n === 1 ? "" : "s"} in ${s.commitsScanned !== undefined ? `${s.commitsScanned} commits, ` : ""}${s.filesScanned ?? 0} files${r.suppressed.length ? `; ${r.suppressed.length} suppressed` : ""}.`);
  if (n) {
    lines.push("| where | rule | commit |", "| --- | --- | --- |");
    for (const f of r.findings) lines.push(`| \`${cell(f.path)}:${f.line}\` | \`${cell(f.ruleId)}\` | ${f.commit ? `\`${f.commit.slice(0, 12)}\`` : ""} |`);
  }
  process.stdout.write(lines.join("\n"));
' "$work/keyfence.json")
findings=${facts%%$'\n'*}
output findings "$findings"
output exit-code "$code"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "### keyfence"
    echo
    if [ -n "$range" ]; then echo "Scanned commits \`$range\`."; else echo "Scanned the checked-out tree."; fi
    echo
    rest=${facts#*$'\n'}
    echo "${rest%%$'\n'*}"
    if [ "$findings" -gt 0 ]; then
      echo
      echo "${rest#*$'\n'}"
      echo
      echo "Rotate every credential listed: removing it from the code does not un-leak it."
    fi
  } >>"$GITHUB_STEP_SUMMARY"
fi

if [ "$code" -eq 1 ] && [ "${INPUT_FAIL_ON_FINDINGS:-true}" = true ]; then
  echo "::error title=keyfence::$findings secret(s) found; see the annotations"
  exit 1
fi
exit 0
