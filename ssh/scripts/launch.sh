# launch DIR fg|bg ID TIMEOUT_SECONDS USER ARGV...   (the environment comes first on stdin)
# fg: runs ARGV in a session of its own under `timeout -s KILL` (a backstop: the controller kills
# the session itself when its own timer fires first), with the rest of stdin. bg: starts ARGV in a
# session of its own, output appended to logs/ID.log, records the session, and returns at once.
# USER (optional) is applied last, with setpriv, so the records stay root's.
dir=$1 mode=$2 id=$3 t=$4 as=$5
shift 5
while IFS= read -r l && [ -n "$l" ]; do
  v=$(printf %s "${l#* }" | base64 -d; echo .)
  export "${l%% *}=${v%.}"
done
PATH="$PATH:/usr/sbin:/sbin"
export PATH
cd / || exit 125
[ -d "$dir/procs" ] || { echo "faultline: the run directory $dir is gone (torn down?)" >&2; exit 125; }
if [ -n "$as" ]; then
  g=$(id -g "$as") || exit 125
  set -- setpriv --reuid="$as" --regid="$g" --init-groups -- "$@"
fi
case $mode in
  fg)
    # shellcheck disable=SC2016
    exec setsid -w /bin/sh -c 'f=$1/procs/fg-$2 t=$3; shift 3; echo "$$ -" > "$f"; timeout -s KILL "$t" "$@"; r=$?; rm -f "$f"; exit $r' sh "$dir" "$id" "$t" "$@" ;;
  bg)
    setsid "$@" < /dev/null >> "$dir/logs/$id.log" 2>&1 &
    p=$! s=
    { read -r s < "/proc/$p/stat"; } 2>/dev/null
    s=${s##*) }
    # shellcheck disable=SC2086
    set -- $s
    echo "$p ${20:--}" > "$dir/procs/bg-$p" ;;
esac
