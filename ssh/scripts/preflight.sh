# preflight SUDO(0|1) IPTABLES(0|1), as the login user: what the host is and what it lets faultline
# do, one key=value line each.
echo "conn=$SSH_CONNECTION"
echo "uid=$(id -u)"
echo "user=$(id -un)"
echo "home=$HOME"
echo "os=$(uname -s)"
echo "boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null)"
for t in setsid timeout base64 awk tar setpriv; do
  command -v $t > /dev/null 2>&1 || echo "missing=$t"
done
root=none
if [ "$(id -u)" = 0 ]; then
  root=
elif [ "$1" = 1 ]; then
  if e=$(sudo -n true 2>&1); then echo sudo=ok; root='sudo -n'; else echo "sudo=fail $(echo "$e" | head -n 1)"; fi
fi
if [ "$2" = 1 ] && [ "$root" != none ]; then
  # shellcheck disable=SC2016,SC2086
  if e=$($root /bin/sh -c 'PATH=$PATH:/usr/sbin:/sbin
      for t in iptables iptables-restore; do command -v $t > /dev/null || { echo "$t is not installed"; exit 1; }; done
      iptables -w -S INPUT 2>&1 > /dev/null' 2>&1); then
    echo iptables=ok
  else
    echo "iptables=fail $(echo "$e" | head -n 1)"
  fi
fi
