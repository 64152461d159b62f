"""Run 2's second measurement (README, Quality checks, "After the changes"):
while bench/quality.py runs, switch its sweep (pid) every 60 s between
stopped (SIGSTOP), niceness 10 and niceness 0 (threads and session
autogroup), writing each window to a file; then compare the portal's own
render time of package_show (CKAN's log, .local/bench-quality.ini.log) per
kind of window. As run on 3 December 2026:

    .venv/bin/python bench/quality_phases.py switch <sweep pid> <rounds> .local/phases.txt
    .venv/bin/python bench/quality_phases.py analyse
"""
import sys


def switch():
    import os, signal, time
    pid = int(sys.argv[2]); cycles = int(sys.argv[3])
    out = open(sys.argv[4], "a")
    def setnice(n):
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                os.setpriority(os.PRIO_PROCESS, int(tid), n)
            except OSError:
                pass
        with open(f"/proc/{pid}/autogroup", "w") as f:
            f.write(str(n))
    for c in range(cycles):
        for phase in ("paused", "nice10", "nice0"):
            if phase == "paused":
                os.kill(pid, signal.SIGSTOP)
            else:
                setnice(10 if phase == "nice10" else 0)
                os.kill(pid, signal.SIGCONT)
            start = time.time()
            time.sleep(60)
            out.write(f"{phase} {start:.3f} {time.time():.3f} {os.getloadavg()[0]:.2f}\n"); out.flush()
    os.kill(pid, signal.SIGCONT)
    setnice(10)


def analyse():
    import re, datetime, statistics
    rows = []
    for line in open('.local/bench-quality.ini.log', errors='replace'):
        m = re.match(r'(\S+ \S+),(\d+) INFO .*package_show render time ([\d.]+) seconds', line)
        if m:
            t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").replace(
                tzinfo=datetime.timezone.utc).timestamp() + int(m.group(2)) / 1000
            rows.append((t, float(m.group(3))))
    def pct(v, p):
        v = sorted(v); return v[int(round((len(v) - 1) * p / 100))]
    phases = {}
    loads = {}
    for line in open('.local/phases.txt'):
        name, a, b, load = line.split()
        a, b = float(a) + 5, float(b)          # 5 s to settle
        phases.setdefault(name, []).extend(r for t, r in rows if a <= t < b)
        loads.setdefault(name, []).append(float(load))
    for name, v in phases.items():
        print(name, len(v), "p50 %.1f p95 %.1f mean %.1f" % (pct(v, 50) * 1000, pct(v, 95) * 1000,
              statistics.fmean(v) * 1000), "load %.1f" % statistics.fmean(loads[name]))


if __name__ == "__main__":
    {"switch": switch, "analyse": analyse}[sys.argv[1]]()
