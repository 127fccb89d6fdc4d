#!/usr/bin/env bash
# The organisation audit (.github/workflows/keyfence-audit.yml): one matrix job per shard runs
# `audit.sh shard`, one last job runs `audit.sh merge`. Needs only bash, git and node; tested
# with the environment GitHub Actions gives (test/audit.test.ts).
#
#   audit.sh shard   scan this job's share into $AUDIT_OUT/reports/*.json (and state/*.json)
#   audit.sh merge   merge every report under $AUDIT_REPORTS into SARIF, HTML and JSON in
#                    $AUDIT_OUT, write the job summary and the step outputs
#
# Inputs (environment):
#   AUDIT_REPOSITORIES  repositories to audit, one per line or space-separated: owner/name
#                       (cloned from $GITHUB_SERVER_URL), a clone URL or a local path. Empty:
#                       the checked-out repository ($AUDIT_DIR, else $GITHUB_WORKSPACE, else the current
#                       directory), its history split over the shards.
#   AUDIT_MODE          history (default: every commit of every ref) or tree (the files at HEAD)
#   AUDIT_SHARDS        N, the number of matrix jobs (default 1)
#   AUDIT_SHARD         K, this job's number, 1..N (shard)
#   AUDIT_OUT           where to write (default $RUNNER_TEMP/keyfence-audit, else ./keyfence-audit)
#   AUDIT_REPORTS       where the merge finds the shards' files (default $AUDIT_OUT)
#   AUDIT_STATE_DIR     incremental audits: the state files (<repository>.json) of the last
#                       audit; shards scan only what is new since; the merge copies the new
#                       state files back here once every shard merged
#   AUDIT_TOKEN         a token for cloning private repositories (sent as an HTTP header, never
#                       in a URL or on a command line)
#   AUDIT_FAIL_ON_FINDINGS  "true": the merge exits 1 when anything is found
#   KEYFENCE_BIN        keyfence's bin/keyfence.js (default: the one next to this script)
#   GITHUB_REPOSITORY, GITHUB_SERVER_URL, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, RUNNER_TEMP:
#                       set by Actions.
#
# Repositories are dealt to the shards round-robin (the i-th, from 0, to shard i mod N + 1),
# each scanned whole (--shard 1/1); a single repository's history is split (--shard K/N).
# Exit codes: 0 done (findings reported), 1 findings with AUDIT_FAIL_ON_FINDINGS=true, 2 error.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=${KEYFENCE_BIN:-$here/../bin/keyfence.js}
mode=${AUDIT_MODE:-history}
shards=${AUDIT_SHARDS:-1}
out=${AUDIT_OUT:-${RUNNER_TEMP:-$PWD}/keyfence-audit}
read -r -a repos <<<"$(printf '%s' "${AUDIT_REPOSITORIES:-}" | tr '\n\r\t' '   ')"

fail() {
  echo "::error title=keyfence audit::$*"
  exit 2
}

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; fi
}

# A file name for a repository name: anything but letters, digits, "." "_" "-" becomes "_".
slug() {
  printf '%s' "$1" | tr -c 'A-Za-z0-9._-' '_'
}

# The name a repository entry is reported under: owner/name as given, else the last path part.
repo_name() {
  case "$1" in
    *://* | /* | .* | *@*:*) basename "${1%/}" .git ;;
    *) printf '%s' "$1" ;;
  esac
}

repo_url() {
  case "$1" in
    *://* | /* | .* | *@*:*) printf '%s' "$1" ;;
    *) printf '%s/%s.git' "${GITHUB_SERVER_URL:-https://github.com}" "$1" ;;
  esac
}

case "$mode" in history | tree) ;; *) fail "AUDIT_MODE must be history or tree, not \"$mode\"" ;; esac
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || fail "AUDIT_SHARDS must be a positive number, not \"$shards\""

# Scans the repository in $1 (a directory) as shard $2 of $3, reported under name $4.
scan_one() {
  local dir=$1 k=$2 n=$3 name=$4 file args
  file="$out/reports/$(slug "$name")-$k-of-$n.json"
  args=(scan --shard "$k/$n" --repository "$name" --format json --output "$file")
  if [ "$mode" = history ]; then
    args+=(--history)
    if [ -n "${AUDIT_STATE_DIR:-}" ]; then
      # The shard works on a copy: the state moves on only when the merge succeeds.
      local state="$out/state/$(slug "$name").json"
      if [ -f "$AUDIT_STATE_DIR/$(slug "$name").json" ]; then cp "$AUDIT_STATE_DIR/$(slug "$name").json" "$state"; fi
      args+=(--since-state "$state")
    fi
  fi
  echo "keyfence audit: $name ($mode, shard $k/$n)"
  (cd "$dir" && node "$bin" "${args[@]}")
  local code=$?
  [ "$code" -gt 1 ] && fail "keyfence failed on $name (exit $code)"
  return 0
}

shard() {
  local k=${AUDIT_SHARD:-}
  [[ "$k" =~ ^[1-9][0-9]*$ ]] && [ "$k" -le "$shards" ] || fail "AUDIT_SHARD must be 1 to $shards, not \"$k\""
  mkdir -p "$out/reports" "$out/state"
  if [ "${#repos[@]}" -eq 0 ]; then
    local dir=${AUDIT_DIR:-${GITHUB_WORKSPACE:-$PWD}}
    [ "$(git -C "$dir" rev-parse --is-shallow-repository 2>/dev/null)" = true ] && [ "$mode" = history ] &&
      fail "the checkout is shallow: use actions/checkout with fetch-depth: 0"
    scan_one "$dir" "$k" "$shards" "${GITHUB_REPOSITORY:-$(basename "$dir")}"
    return
  fi
  local clones=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/keyfence-audit-clones
  mkdir -p "$clones"
  local i=0 entry name dir
  local -a auth=()
  if [ -n "${AUDIT_TOKEN:-}" ]; then
    auth=(GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=http.extraHeader "GIT_CONFIG_VALUE_0=AUTHORIZATION: basic $(printf 'x-access-token:%s' "$AUDIT_TOKEN" | base64 | tr -d '\n')")
  fi
  for entry in "${repos[@]}"; do
    if [ $((i % shards + 1)) -eq "$k" ]; then
      name=$(repo_name "$entry")
      dir="$clones/$(slug "$name")"
      rm -rf "$dir"
      if [ "$mode" = history ]; then
        env "${auth[@]}" git clone --quiet --bare -- "$(repo_url "$entry")" "$dir" || fail "cannot clone $name"
      else
        env "${auth[@]}" git clone --quiet --depth 1 -- "$(repo_url "$entry")" "$dir" || fail "cannot clone $name"
      fi
      scan_one "$dir" 1 1 "$name"
    fi
    i=$((i + 1))
  done
}

merge() {
  local from=${AUDIT_REPORTS:-$out} entry missing=()
  mkdir -p "$out"
  local -a files=()
  while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$from" -path '*reports/*.json' -type f -print0 | sort -z)
  [ "${#files[@]}" -gt 0 ] || fail "no shard reports under $from"
  for entry in "${repos[@]}"; do
    [ -n "$(find "$from" -path "*reports/$(slug "$(repo_name "$entry")")-1-of-1.json" -type f)" ] || missing+=("$(repo_name "$entry")")
  done
  [ "${#missing[@]}" -eq 0 ] || fail "no report for ${missing[*]} (a shard job failed?)"
  local errors code
  for fmt in json sarif html; do
    errors=$(node "$bin" merge "${files[@]}" --format "$fmt" --output "$out/keyfence-audit.$fmt" --quiet 2>&1 >/dev/null)
    code=$?
    [ "$code" -gt 1 ] && fail "${errors:-keyfence merge failed (exit $code)}"
  done
  output sarif-file "$out/keyfence-audit.sarif"
  output html-file "$out/keyfence-audit.html"
  local findings
  findings=$(node -e 'process.stdout.write(String(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).findings.length))' "$out/keyfence-audit.json")
  output findings "$findings"
  echo "keyfence audit: $findings finding(s) in ${#files[@]} shard report(s)"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    # Counts per repository and rule, then the findings (at most 100 rows).
    node -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const cell = (s) => String(s ?? "").replace(/[|`\r\n]/g, " ");
      const repo = (f) => f.repository ?? process.argv[2];
      const s = r.stats;
      const lines = ["### keyfence audit", "", `${r.findings.length} finding(s), ${r.suppressed.length} suppressed; ${s.commitsScanned ?? 0} commits, ${s.filesScanned} files scanned in ${process.argv[3]} shard report(s).`, ""];
      if (r.findings.length) {
        const counts = new Map();
        for (const f of r.findings) { const k = `${repo(f)}\u0000${f.ruleId}`; counts.set(k, (counts.get(k) ?? 0) + 1); }
        lines.push("| repository | rule | findings |", "| --- | --- | --- |");
        for (const [k, n] of [...counts].sort()) { const [a, b] = k.split("\u0000"); lines.push(`| ${cell(a)} | \`${cell(b)}\` | ${n} |`); }
        lines.push("", "| repository | where | rule | commit |", "| --- | --- | --- | --- |");
        for (const f of r.findings.slice(0, 100)) lines.push(`| ${cell(repo(f))} | \`${cell(f.path)}:${f.line}\` | \`${cell(f.ruleId)}\` | ${f.commit ? "`" + f.commit.slice(0, 12) + "`" : ""} |`);
        if (r.findings.length > 100) lines.push("", `… and ${r.findings.length - 100} more: see the HTML report artifact.`);
        lines.push("", "Rotate every credential listed: removing it from the code does not un-leak it.");
      }
      console.log(lines.join("\n"));
    ' "$out/keyfence-audit.json" "${GITHUB_REPOSITORY:-}" "${#files[@]}" >>"$GITHUB_STEP_SUMMARY"
  fi
  if [ -n "${AUDIT_STATE_DIR:-}" ]; then
    mkdir -p "$AUDIT_STATE_DIR"
    while IFS= read -r -d '' f; do cp "$f" "$AUDIT_STATE_DIR/"; done < <(find "$from" -path '*state/*.json' -type f -print0)
  fi
  if [ "$findings" -gt 0 ] && [ "${AUDIT_FAIL_ON_FINDINGS:-false}" = true ]; then
    echo "::error title=keyfence audit::$findings secret(s) found; see the job summary and the HTML report"
    exit 1
  fi
  exit 0
}

case "${1:-}" in
  shard) shard ;;
  merge) merge ;;
  *) fail "usage: audit.sh shard|merge" ;;
esac
