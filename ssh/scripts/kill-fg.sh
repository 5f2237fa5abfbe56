# kill-fg DIR ID: kills the session of a foreground command whose controller-side timeout fired.
dir=$1
p=$(members "fg-$2")
# shellcheck disable=SC2086
[ -z "$p" ] || kill -KILL $p 2>/dev/null
rm -f "$dir/procs/fg-$2"
