# teardown DIR TAG: kills every run process (SIGKILL until none is left), unhooks and deletes the
# iptables chains named for the run (faultline-<word>-TAG), removes the run directory. Prints
# `left=<processes still there> chains=<chains removed>`.
dir=$1 tag=$2 left=0 c=0
PATH="$PATH:/usr/sbin:/sbin"
if [ -d "$dir/procs" ]; then
  i=0
  while [ $i -lt 100 ]; do
    p=$(members '*')
    [ -z "$p" ] && break
    # shellcheck disable=SC2086
    kill -KILL $p 2>/dev/null
    i=$((i + 1))
    sleep 0.05
  done
  left=$(members '*' | wc -l)
fi
if [ -n "$tag" ] && command -v iptables > /dev/null 2>&1; then
  for ch in $(iptables -w -S 2>/dev/null | awk -v t="$tag" '$1 == "-N" && $2 ~ ("^faultline-[a-z]+-" t "$") { print $2 }'); do
    while iptables -w -D INPUT -j "$ch" 2>/dev/null; do :; done
    iptables -w -F "$ch" && iptables -w -X "$ch" && c=$((c + 1))
  done
fi
if [ -n "$dir" ]; then
  case $dir in
    */faultline/runs/?*|*/.faultline/runs/?*) rm -rf -- "$dir"; rmdir "${dir%/*}" 2>/dev/null ;;
    *) echo "faultline: refusing to remove $dir (not a faultline run directory)" >&2; exit 3 ;;
  esac
fi
echo "left=$left chains=$c"
