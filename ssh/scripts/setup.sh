# setup DIR: creates the run directory (mode 0700) and writes run.json from stdin.
dir=$1
mkdir -p "$dir/procs" "$dir/logs" && chmod 700 "$dir" && cat > "$dir/run.json"
