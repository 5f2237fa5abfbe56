# tree DIR STOP|CONT: signals every process of the run's background sessions, repeating until a
# pass finds no new process (a child forked while its parent was being stopped is stopped too);
# for STOP, then waits until every thread is stopped. Prints how many processes.
dir=$1 sig=$2 prev="" cur=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
  cur=$(members 'bg-*' | sort -n | tr '\n' ' ')
  # shellcheck disable=SC2086
  [ -n "$cur" ] && kill -s "$sig" $cur 2>/dev/null
  [ "$cur" = "$prev" ] && break
  prev=$cur
done
if [ "$sig" = STOP ] && [ -n "$cur" ]; then
  i=0 running=1
  while [ $i -lt 200 ]; do
    running=
    for p in $cur; do
      for t in /proc/"$p"/task/*/stat; do
        { read -r s < "$t"; } 2>/dev/null || continue
        s=${s##*) }
        case ${s%% *} in T|t|Z|X) ;; *) running=1 ;; esac
      done
    done
    [ -z "$running" ] && break
    i=$((i + 1))
    sleep 0.02
  done
  [ -z "$running" ] || { echo "faultline: threads still running 4 s after SIGSTOP" >&2; exit 1; }
fi
# shellcheck disable=SC2086
set -- $cur
echo $#
