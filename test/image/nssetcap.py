"""Runs setcap inside a new user namespace whose root is host uid HOST_ROOT, so that the kernel
writes a revision-3 security.capability with rootid HOST_ROOT (as a rootless image build does).

usage: python3 nssetcap.py HOST_ROOT CAPABILITY_TEXT FILE   (as root; FILE owned by HOST_ROOT)
"""
import ctypes
import os
import sys

CLONE_NEWUSER = 0x10000000
host_root, text, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ready_r, ready_w = os.pipe()
go_r, go_w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(ready_r)
    os.close(go_w)
    if ctypes.CDLL(None, use_errno=True).unshare(CLONE_NEWUSER) != 0:
        os._exit(3)
    os.write(ready_w, b'x')
    os.read(go_r, 1)
    os.setgid(0)
    os.setuid(0)
    os.execvp('setcap', ['setcap', text, path])
os.close(ready_w)
os.close(go_r)
if os.read(ready_r, 1) == b'x':
    for name, line in (('uid_map', f'0 {host_root} 65536\n'), ('setgroups', 'deny'), ('gid_map', f'0 {host_root} 65536\n')):
        with open(f'/proc/{pid}/{name}', 'w') as f:
            f.write(line)
os.write(go_w, b'x')
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
