#!/usr/bin/env bash
# //data:preview writes one PNG for good input; for bad input it prints one line naming the
# problem, exits 2 and writes nothing.
set -uo pipefail
preview=data/preview
tmp=${TEST_TMPDIR:-$(mktemp -d)}
fail() { echo "FAIL: $*" >&2; exit 1; }

cat >"$tmp/small.textproto" <<'SPEC'
height: 48
width: 48
phantom { patients: 4 images_per_patient: 6 }
SPEC
$preview --spec="$tmp/small.textproto" --out="$tmp/ok" --per_class=3 >"$tmp/stdout" 2>&1 ||
  fail "good spec failed: $(cat "$tmp/stdout")"
[[ -s "$tmp/ok/preview.png" ]] || fail "no preview.png"
[[ "$(head -c 8 "$tmp/ok/preview.png" | od -An -tx1 | tr -d ' \n')" == 89504e470d0a1a0a ]] ||
  fail "preview.png is not a PNG"
[[ "$(ls "$tmp/ok")" == preview.png ]] || fail "stray files: $(ls "$tmp/ok")"

check_bad() {  # name, expected message, args...
  local name=$1 expect=$2
  shift 2
  $preview "$@" --out="$tmp/bad_$name" >"$tmp/out_$name" 2>"$tmp/err_$name"
  local rc=$?
  [[ $rc -eq 2 ]] || fail "$name: exit $rc, expected 2"
  [[ $(wc -l <"$tmp/err_$name") -eq 1 ]] || fail "$name: stderr is not one line: $(cat "$tmp/err_$name")"
  grep -qF "$expect" "$tmp/err_$name" || fail "$name: '$(cat "$tmp/err_$name")' lacks '$expect'"
  [[ ! -e "$tmp/bad_$name" ]] || fail "$name: output written"
}
printf 'height: 48\nhieght: 3\n' >"$tmp/typo.textproto"
check_bad typo "typo.textproto:2:1" --spec="$tmp/typo.textproto"
check_bad missing_spec "$tmp/none.textproto: cannot open file" --spec="$tmp/none.textproto"
printf 'kaggle { directory: "%s/no_such_dir" }\n' "$tmp" >"$tmp/kaggle.textproto"
check_bad missing_dir "$tmp/no_such_dir" --spec="$tmp/kaggle.textproto"
mkdir -p "$tmp/empty_dir"
printf 'kaggle { directory: "%s/empty_dir" }\n' "$tmp" >"$tmp/empty.textproto"
check_bad empty_dir "$tmp/empty_dir" --spec="$tmp/empty.textproto"
echo PASS
