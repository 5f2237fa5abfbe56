# list DIR: every run process as `PID CMDLINE`, arguments separated by \001, records ended by \002.
dir=$1
for p in $(members '*'); do
  printf '%s ' "$p"
  tr '\000' '\001' < "/proc/$p/cmdline" 2>/dev/null
  printf '\002'
done
