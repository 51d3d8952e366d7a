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
# A BUSI-layout folder: a multi-lesion mask, a hidden file, and one picture filed under two
# classes, which grouping (on by default for BUSI) reports and excludes. 18x16 gray PNGs.
png() { echo "$1" | base64 -d >"$2"; }
img1=iVBORw0KGgoAAAANSUhEUgAAABIAAAAQCAAAAAA+bXCAAAAAsElEQVR42m3IvQpFYAAA0Ps4UnxGIwaDF2ARMSmDyGBQVjFJEilJfialKAuDSckiKU9zX+A74/lx3LKQpKaxbNPkeVle1w9Svi+KFFXXAARBkuw7gsDq+7JM1xVl2xjGcQDAMFjh+HWNI4r6/vtKUhwDAKthkOU0bZppUlXPU9XngZUsF4VpYlgUzfN50jTPw+o4LItlXbfr4rjv71sQYGXbhrGubdv3YbiuBFFVkPoDCQiSTdnX8BYAAAAASUVORK5CYII=
img2=iVBORw0KGgoAAAANSUhEUgAAABIAAAAQCAAAAAA+bXCAAAAArElEQVR42m3IvQpFUAAAYE9EFpvsJv+jhWJQNiWbjqRkkBSJSeTUMRgsymA0SOR57n2A840fwTAcx7IAyPLzeJ5tHweBKV0/Dpretu8ThLI8zzTF1TTF8bJU1Tg6Dk1TVBThqut8P0mKAiFJWldVNU1cGQZJqmoQKArPT38A4ArC911XTavrPEcoivYdV2EIQF2LYpa17XXNs2Xhqu9ddxjGEcIwvO+maVtM/QDxrplde+TmLQAAAABJRU5ErkJggg==
img3=iVBORw0KGgoAAAANSUhEUgAAABIAAAAQCAAAAAA+bXCAAAAArUlEQVR42m3IPQtGQAAA4Pf/GMR0o9UNspoMZ7qUyaoMDHSlJNnuFmVQ8rH4iFjESH7P+wfuGZ+fZa1r16lqGO47Y+c5zz9OAXAcgkApxsOAkGFQyqu27XvGCLlvTUPoujSNV3Udx4LwPADo+rrKsuvyShRtm7Fti+MsI2SaioJXEAaBokgShGVpmhi/L6/y/DxdN02rKorG0febhlfLkiTLgpDnfZ8oOs5xcOoPY72aKdZzqrUAAAAASUVORK5CYII=
img4=iVBORw0KGgoAAAANSUhEUgAAABIAAAAQCAAAAAA+bXCAAAAAsUlEQVR42mNISSktdXLq7V20yN/f3t7SUleXAYtQX9+WLUVF5uYJCWvXbtzY0pKXh00oJMTZOTs7Lk5P78yZrKzc3MhIbEJBQeXlRUUnTrS329kdPlxXd/kyNqHu7pUr09NDQ9PTFy7Mz7ez27IFm1BJiaZmUdGuXeXlq1ZFRk6cOGUKNqGDBwsLp02bPTswMDm5rCwry9gYm5CNjbHxvHknTuTnr1mzYcPZswsWYBECAHZniN37qtZdAAAAAElFTkSuQmCC
img5=iVBORw0KGgoAAAANSUhEUgAAABIAAAAQCAAAAAA+bXCAAAAArElEQVR42m3IvQpFUAAAYI9DkknJKANJnQwGkfEkg5K/QQaUsMhm4g0Um0EyXCab8jjXA5xv/LDztO08f9/7niaaHgYIMUTdN8MAIAhlOY4QVtWyoIrn1xVCkrSstnVdTWsaVAHAcbL8+/S9KEoSjqOKIEzTstSP58Wxrs8zqp7nugxD095X1+va9ykKVUXRdaqqKI7DskkSBMeBqm3D8X1/njRl2SjKsjBE1B/IH4fRopZi5AAAAABJRU5ErkJggg==
empty=iVBORw0KGgoAAAANSUhEUgAAABIAAAAQCAAAAAA+bXCAAAAADUlEQVR42mNgGAWkAAABMAABC5ZjxAAAAABJRU5ErkJggg==
lesion=iVBORw0KGgoAAAANSUhEUgAAABIAAAAQCAAAAAA+bXCAAAAAE0lEQVR42mNgoDL4Dwb0FKIrAAA+RCPdcIVo8wAAAABJRU5ErkJggg==
busi=$tmp/busi
mkdir -p "$busi/benign" "$busi/malignant" "$busi/normal"
png "$img1" "$busi/benign/benign (1).png"; png "$lesion" "$busi/benign/benign (1)_mask.png"
png "$img2" "$busi/benign/benign (2).png"; png "$empty" "$busi/benign/benign (2)_mask.png"
png "$lesion" "$busi/benign/benign (2)_mask_1.png"
png "$img3" "$busi/malignant/malignant (1).png"; png "$lesion" "$busi/malignant/malignant (1)_mask.png"
png "$img1" "$busi/malignant/malignant (2).png"; png "$lesion" "$busi/malignant/malignant (2)_mask.png"
png "$img4" "$busi/normal/normal (1).png"; png "$empty" "$busi/normal/normal (1)_mask.png"
png "$img5" "$busi/normal/normal (2).png"; png "$empty" "$busi/normal/normal (2)_mask.png"
echo x >"$busi/normal/.DS_Store"
printf 'busi { directory: "%s" }\nheight: 16\nwidth: 18\n' "$busi" >"$tmp/busi.textproto"
$preview --spec="$tmp/busi.textproto" --out="$tmp/busi_out" --per_class=2 >"$tmp/busi_stdout" 2>&1 ||
  fail "BUSI folder failed: $(cat "$tmp/busi_stdout")"
[[ -s "$tmp/busi_out/preview.png" ]] || fail "no BUSI preview.png"
for expect in "6 images in 5 groups (4 groups of 1, 1 group of 2)" \
  "1 class conflicts, 2 images excluded" \
  "class conflict: benign/benign (1) (benign), malignant/malignant (2) (malignant)" \
  "3 classes, 4 images"; do
  grep -qF "$expect" "$tmp/busi_stdout" || fail "BUSI output lacks '$expect': $(cat "$tmp/busi_stdout")"
done
rm "$busi/normal/normal (2)_mask.png"
check_bad busi_no_mask "$busi/normal/normal (2).png: image without its mask" \
  --spec="$tmp/busi.textproto"
echo PASS
