# runs BASE...: the run directories under each base (`run DIR<TAB>run.json on one line`) and every
# faultline chain on the host (`chain NAME`), for cleanHosts.
PATH="$PATH:/usr/sbin:/sbin"
for b; do
  for d in "$b"/*/; do
    [ -d "$d" ] || continue
    printf 'run %s\t' "${d%/}"
    tr -d '\n' < "${d}run.json" 2>/dev/null
    echo
  done
done
if command -v iptables > /dev/null 2>&1; then
  iptables -w -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^faultline-[a-z]+-[0-9a-f]+$/ { print "chain " $2 }'
fi
