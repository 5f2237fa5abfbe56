# members GLOB: the pids of the live processes of the sessions recorded in $dir/procs/GLOB, and of
# their descendants. A record whose session has no process left is removed (its number may be
# reused by another session later); so is one whose leader pid now belongs to a newer process.
members() {
  recs=$(cd "$dir/procs" 2>/dev/null && for f in $1; do [ -f "$f" ] || continue; read -r l < "$f"; printf '%s %s ' "$f" "$l"; done)
  [ -n "$recs" ] || return 0
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v recs="$recs" '
    BEGIN { n = split(recs, a, " "); for (i = 1; i + 2 <= n; i += 3) { file[a[i+1]] = a[i]; start[a[i+1]] = a[i+2] } }
    { pid = $1; rest = $0; sub(/^[^(]*\(.*\) /, "", rest); split(rest, f, " ")
      st[pid] = f[1]; pp[pid] = f[2]; se[pid] = f[4]; t0[pid] = f[20] }
    END {
      for (s in file) if ((s in t0) && start[s] != "-" && t0[s] != start[s]) { print "gone " file[s]; delete file[s] }
      for (p in se) if (se[p] in file) m[p] = 1
      do { c = 0; for (p in pp) if (!(p in m) && (pp[p] in m)) { m[p] = 1; c = 1 } } while (c)
      for (p in m) { live[se[p]] = 1; if (st[p] != "Z") print p }
      for (s in file) if (!(s in live) && !(s in t0)) print "gone " file[s]
    }' | while read -r p f; do if [ "$p" = gone ]; then rm -f "$dir/procs/$f"; else echo "$p"; fi; done
}
