# signal DIR SIG PID...: signals those of the pids that are still run processes; prints how many.
dir=$1 sig=$2
shift 2
m=" $(members '*' | tr '\n' ' ') " n=0
for p; do
  case $m in *" $p "*) kill -s "$sig" "$p" 2>/dev/null && n=$((n + 1)) ;; esac
done
echo "$n"
