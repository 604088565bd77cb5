#!/usr/bin/python3
"""Swarm benchmark driver: HTTP vs BitTorrent (hivebt, libtorrent, mixed) on an emulated network.

Run by run.sh, which creates the namespaces (netns.sh up) and removes them on exit. This driver shapes the links
for each profile, starts the processes of each scenario inside their namespaces, times them, checks every copy,
and writes results.json, results.md, swarm.png and a one-line summary into the results folder.

Timing: every client is started and ready (listening, torrent added) before the origin starts; t0 is the moment
the origin says it is ready (listening, data loaded), so JVM and interpreter start-up are outside the window for
both implementations. T_all is t0 until the last client holds a complete, verified copy (the client says so the
moment its last piece is verified; the bytes are compared with the original after the run).
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TRACKER_IP = '10.199.0.2'
ORIGIN_IP = '10.199.0.10'
PORT = 6881
CLK = os.sysconf('SC_CLK_TCK')

# Link profiles as multiples of the uplink rate u (--mbit): (origin up, origin down, client up, client down).
# u = 20 Mbit/s by default: the whole swarm then moves at most about 45 MB/s through the kernel, so that CPU is
# not the bottleneck on a shared 2-core machine (at 50 Mbit/s, 17 JVMs and the other load saturated both cores).
PROFILE_SHAPES = {
    'home': (1, 4, 1, 4),           # asymmetric "home" links: download 4x upload
    'datacenter': (1, 1, 1, 1),     # symmetric links
}
PROFILES = {}


def client_ip(k):
    return '10.199.1.%d' % k


class Proc:
    """A process in a namespace; a thread timestamps its stdout lines (time.monotonic())."""

    def __init__(self, name, ns, argv, env=None, log=None):
        self.name = name
        self.lines = []
        self.events = {}
        self.cond = threading.Condition()
        full_env = dict(os.environ)
        if env:
            full_env.update(env)
        self.log = open(log, 'wb') if log else subprocess.DEVNULL
        self.started = time.monotonic()
        self.p = subprocess.Popen(['ip', 'netns', 'exec', ns] + argv, stdout=subprocess.PIPE,
                                  stderr=self.log, env=full_env, start_new_session=True)
        self.pid = self.p.pid
        self.exit_time = None
        self.rusage = None
        self.cpu_last = 0.0
        self.eof = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.p.stdout:
            t = time.monotonic()
            line = raw.decode('utf-8', 'replace').strip()
            with self.cond:
                self.lines.append((t, line))
                self.on_line(t, line)
                self.cond.notify_all()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def on_line(self, t, line):
        if 'ready' not in self.events:
            self.events['ready'] = t
        if line.startswith('{'):
            try:
                obj = json.loads(line)
            except ValueError:
                return
            self.last_json = obj
            state = obj.get('state')
            if obj.get('ev') == 'done' or state in ('seeding', 'finished'):
                self.events.setdefault('done', t)
            if obj.get('ev') == 'ready':
                self.events['ready'] = t

    def wait_event(self, ev, deadline):
        with self.cond:
            while ev not in self.events:
                if self.eof:
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(min(left, 0.2))
            return self.events[ev]

    def cpu_seconds(self):
        """User + system CPU of the process (threads included), read from /proc while it runs."""
        try:
            with open('/proc/%d/stat' % self.pid) as f:
                fields = f.read().rsplit(')', 1)[1].split()
            self.cpu_last = (int(fields[11]) + int(fields[12])) / CLK
        except (OSError, IndexError):
            pass
        return self.cpu_last

    def stop(self):
        self.cpu_seconds()
        if self.p.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def reap(self, timeout=10):
        try:
            self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.p.wait(5)
        if self.log is not subprocess.DEVNULL:
            self.log.close()


def machine_cpu():
    """(busy, total) jiffies of the whole machine."""
    with open('/proc/stat') as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def bridge_counters(prefix):
    """Bytes per host seen at its bridge port: {'o': (sent by host, received by host)}."""
    out = subprocess.run(['ip', '-n', prefix + 'sw', '-s', '-j', 'link', 'show'], capture_output=True,
                         check=True).stdout
    res = {}
    for link in json.loads(out):
        name = link.get('ifname', '')
        if name.startswith('p-'):
            st = link['stats64']
            # the port receives what the host sends
            res[name[2:]] = (st['rx']['bytes'], st['tx']['bytes'])
    return res


def sh(*argv, **kw):
    return subprocess.run(list(argv), check=True, **kw)


class Bench:
    def __init__(self, args):
        self.a = args
        self.prefix = args.prefix
        self.work = args.work
        self.results = []
        self.size = args.size_mib * 1048576
        self.data = os.path.join(self.work, 'src', 'data.bin')
        self.hivebt = os.path.join(ROOT, 'hivebt')
        self.java_opts = args.java_opts
        self.run_no = 0
        self.tracker = None
        self.nginx = None
        self.netem = subprocess.run([os.path.join(HERE, 'netns.sh'), 'netem']).returncode == 0

    # ---- set-up -----------------------------------------------------------------------------------------------

    def prepare(self):
        os.makedirs(os.path.dirname(self.data), exist_ok=True)
        os.chmod(self.work, 0o755)
        os.chmod(os.path.dirname(self.data), 0o755)
        if not os.path.exists(self.data) or os.path.getsize(self.data) != self.size:
            with open(self.data, 'wb') as f:
                left = self.size
                while left:
                    n = min(left, 1 << 20)
                    f.write(os.urandom(n))
                    left -= n
        os.chmod(self.data, 0o644)
        env = dict(os.environ, HIVEBT_JAVA_OPTS=self.java_opts)
        # builds the jar if needed and creates the CDS archive before any timed run
        sh(self.hivebt, '--version', env=env, stdout=subprocess.DEVNULL)

    def ns(self, host):
        return self.prefix + host

    def hv_env(self):
        return {'HIVEBT_NO_BUILD': '1', 'HIVEBT_JAVA_OPTS': self.java_opts}

    def start_tracker(self):
        log = os.path.join(self.work, 'tracker.log')
        self.tracker = Proc('tracker', self.ns('tr'), [
            self.hivebt, 'tracker', '--bind', TRACKER_IP, '--http-port', '8000', '--udp-port', '-1',
            '--announce-interval', '30', '--min-interval', '5', '--threads', '1'], env=self.hv_env(), log=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            r = subprocess.run(['ip', 'netns', 'exec', self.ns('tr'), 'curl', '-s', '-o', '/dev/null', '-w',
                                '%{http_code}', 'http://%s:8000/stats' % TRACKER_IP], capture_output=True)
            if r.stdout.strip() not in (b'', b'000'):
                return
            time.sleep(0.3)
        raise RuntimeError('tracker did not start; see ' + log)

    def start_nginx(self):
        d = os.path.join(self.work, 'nginx')
        os.makedirs(d, exist_ok=True)
        conf = os.path.join(d, 'nginx.conf')
        with open(conf, 'w') as f:
            f.write('''worker_processes 1;
daemon off;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log;
events { worker_connections 1024; }
http {
  sendfile on; tcp_nopush on; access_log off;
  client_body_temp_path %(d)s/body; proxy_temp_path %(d)s/proxy; fastcgi_temp_path %(d)s/fcgi;
  uwsgi_temp_path %(d)s/uwsgi; scgi_temp_path %(d)s/scgi;
  server { listen %(ip)s:80; root %(root)s; }
}
''' % {'d': d, 'ip': ORIGIN_IP, 'root': os.path.dirname(self.data)})
        self.nginx = Proc('nginx', self.ns('o'), ['nginx', '-c', conf, '-p', d], log=os.path.join(d, 'stderr'))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r = subprocess.run(['ip', 'netns', 'exec', self.ns('o'), 'curl', '-s', '-I', '-o', '/dev/null', '-w',
                                '%{http_code}', 'http://%s/data.bin' % ORIGIN_IP], capture_output=True)
            if r.stdout.strip() == b'200':
                return
            time.sleep(0.2)
        raise RuntimeError('nginx did not start; see ' + d)

    def stop_nginx(self):
        if self.nginx:
            self.nginx.stop()
            self.nginx.reap()
            self.nginx = None

    def make_torrent(self, tag):
        t = os.path.join(self.work, 'torrents', tag + '.torrent')
        os.makedirs(os.path.dirname(t), exist_ok=True)
        if os.path.exists(t):
            os.remove(t)
        bits = (self.a.piece_kib * 1024).bit_length() - 1
        # the source tag is in the info dictionary: a fresh info-hash (a fresh swarm at the tracker) per run
        sh('mktorrent', '-l', str(bits), '-t', '2', '-s', tag, '-a', 'http://%s:8000/announce' % TRACKER_IP,
           '-o', t, self.data, stdout=subprocess.DEVNULL)
        return t

    # ---- scenarios ------------------------------------------------------------------------------------------------

    def bound(self, profile, n):
        ou, od, cu, cd = [x * 1e6 / 8 for x in PROFILES[profile]]
        f = self.size
        return max(f / ou, n * f / (ou + n * cu), f / cd)

    def timeout(self, profile, n, http):
        ou = PROFILES[profile][0] * 1e6 / 8
        base = n * self.size / ou if http else self.bound(profile, n)
        return self.a.timeout_factor * base + 30

    def run_dir(self, tag, n):
        d = os.path.join(self.work, 'runs', tag)
        shutil.rmtree(d, ignore_errors=True)
        for k in range(1, n + 1):
            os.makedirs(os.path.join(d, 'c%d' % k))
        return d

    def verify(self, d, n):
        bad = []
        for k in range(1, n + 1):
            copy = os.path.join(d, 'c%d' % k, 'data.bin')
            if not os.path.exists(copy) or subprocess.run(['cmp', '-s', self.data, copy]).returncode != 0:
                bad.append(k)
        return bad

    def http(self, profile, n):
        self.run_no += 1
        tag = 'r%03d-http-%s-%d' % (self.run_no, profile, n)
        d = self.run_dir(tag, n)
        limit = self.timeout(profile, n, True)
        before = bridge_counters(self.prefix)
        cpu0 = machine_cpu()
        t0 = time.monotonic()
        procs = []
        for k in range(1, n + 1):
            procs.append(subprocess.Popen(['ip', 'netns', 'exec', self.ns('c%d' % k), 'curl', '-sS', '--max-time',
                                           str(int(limit)), '-o', os.path.join(d, 'c%d' % k, 'data.bin'),
                                           'http://%s/data.bin' % ORIGIN_IP]))
        times = [None] * n
        cpu = [0.0] * n

        def reap(i):
            _, status, ru = os.wait4(procs[i].pid, 0)
            procs[i].returncode = os.waitstatus_to_exitcode(status)
            if procs[i].returncode == 0:
                times[i] = time.monotonic() - t0
            cpu[i] = ru.ru_utime + ru.ru_stime

        waiters = [threading.Thread(target=reap, args=(i,)) for i in range(n)]
        for w in waiters:
            w.start()
        for w in waiters:
            w.join()
        t_all = time.monotonic() - t0
        cpu1 = machine_cpu()
        after = bridge_counters(self.prefix)
        bad = self.verify(d, n)
        res = self.record(tag, profile, n, 'HTTP', 'nginx', ['curl'] * n, times, t_all if not bad else None,
                          after['o'][0] - before['o'][0], n * self.size, 0.0, sum(cpu), max(cpu), cpu0, cpu1,
                          bad, 0.0)
        shutil.rmtree(d, ignore_errors=True)
        return res

    def start_peer(self, impl, host, ip, torrent, save, seed, d, name):
        log = os.path.join(d, name + '.log')
        listen = '%s:%d' % (ip, PORT)
        if impl == 'hivebt':
            if seed:
                argv = [self.hivebt, 'seed', torrent, os.path.dirname(self.data), '--listen', listen, '--skip-check']
            else:
                argv = [self.hivebt, 'download', torrent, '-d', save, '--listen', listen, '--seed-after']
                argv += self.a.hivebt_client_args.split()
            argv += ['--no-dht', '--no-lsd', '--encryption', 'DISABLED', '--json-progress']
            env = self.hv_env()
            if seed and self.a.keep:
                env['HIVEBT_LOG'] = 'info'
            return Proc(name, self.ns(host), argv, env=env, log=log)
        argv = ['/usr/bin/python3', os.path.join(HERE, 'lt_swarm.py'), 'seed' if seed else 'download', torrent,
                os.path.dirname(self.data) if seed else save, listen]
        return Proc(name, self.ns(host), argv, log=log)

    def bt(self, profile, n, origin_impl, client_impls, label):
        self.run_no += 1
        tag = 'r%03d-%s-%s-%d' % (self.run_no, label, profile, n)
        d = self.run_dir(tag, n)
        torrent = self.make_torrent(tag)
        limit = self.timeout(profile, n, False)
        clients = []
        origin = None
        try:
            for k in range(1, n + 1):
                clients.append(self.start_peer(client_impls[k - 1], 'c%d' % k, client_ip(k), torrent,
                                               os.path.join(d, 'c%d' % k), False, d, 'c%d' % k))
            ready_deadline = time.monotonic() + 120
            for c in clients:
                if c.wait_event('ready', ready_deadline) is None:
                    raise RuntimeError('%s did not start (see %s)' % (c.name, d))
            time.sleep(1.0)  # let the clients' first announces land and their JIT settle
            before = bridge_counters(self.prefix)
            cpu_clients0 = [c.cpu_seconds() for c in clients]
            cpu0 = machine_cpu()
            origin = self.start_peer(origin_impl, 'o', ORIGIN_IP, torrent, None, True, d, 'origin')
            t0 = origin.wait_event('ready', time.monotonic() + 60)
            if t0 is None:
                raise RuntimeError('origin did not start (see %s)' % d)
            deadline = t0 + limit
            cc_seen = []
            sampler = threading.Timer(max(0.5, self.bound(profile, n) / 2), lambda: cc_seen.extend(
                sorted(congestion_seen(self.ns('c1')) | congestion_seen(self.ns('o')))))
            sampler.start()
            times = []
            for c in clients:
                t = c.wait_event('done', deadline)
                times.append(None if t is None else max(0.0, t - t0))
            done = [t for t in times if t is not None]
            t_all = max(done) if len(done) == n else None
            at_end = bridge_counters(self.prefix)
            cpu1 = machine_cpu()
            cpu_clients = [c.cpu_seconds() - c0 for c, c0 in zip(clients, cpu_clients0)]
            cpu_origin = origin.cpu_seconds()
            sampler.join()
            if self.a.keep:
                for p in clients[:2] + [origin]:
                    threads = []
                    for t in os.listdir('/proc/%d/task' % p.pid):
                        try:
                            with open('/proc/%d/task/%s/stat' % (p.pid, t)) as f:
                                st = f.read()
                            name = st[st.index('(') + 1:st.rindex(')')]
                            fl = st.rsplit(')', 1)[1].split()
                            threads.append(((int(fl[11]) + int(fl[12])) / CLK, name))
                        except (OSError, ValueError):
                            pass
                    with open(os.path.join(d, p.name + '.threads'), 'w') as f:
                        for c, name in sorted(threads, reverse=True):
                            f.write('%.2f %s\n' % (c, name))
            time.sleep(1.2)  # one more progress line with the final upload counters
            payload = origin.last_json.get('uploaded', 0) if hasattr(origin, 'last_json') else 0
            startup = t0 - origin.started
        finally:
            for p in clients + ([origin] if origin else []):
                p.stop()
            for p in clients + ([origin] if origin else []):
                p.reap()
        bad = self.verify(d, n)
        if self.a.keep:
            for p in clients + ([origin] if origin else []):
                with open(os.path.join(d, p.name + '.out'), 'w') as f:
                    for t, line in p.lines:
                        f.write('%.2f %s\n' % (t - t0, line))
        names = {'hivebt': 'hivebt', 'lt': 'libtorrent'}
        res = self.record(tag, profile, n, label, names[origin_impl], [names[c] for c in client_impls], times,
                          t_all if not bad else None, at_end['o'][0] - before['o'][0], payload, cpu_origin,
                          sum(cpu_clients), max(cpu_clients), cpu0, cpu1, bad, startup, cc_seen)
        if not self.a.keep:
            shutil.rmtree(d, ignore_errors=True)
        return res

    def record(self, tag, profile, n, scenario, origin, clients, times, t_all, origin_wire, origin_payload,
               cpu_origin, cpu_clients, cpu_client_max, cpu0, cpu1, bad, startup, cc_seen=None):
        busy = (cpu1[0] - cpu0[0]) / max(1, cpu1[1] - cpu0[1])
        t_star = self.bound(profile, n)
        r = {
            'tag': tag, 'profile': profile, 'links_mbit': PROFILES[profile], 'n': n, 'scenario': scenario,
            'origin': origin, 'clients': clients, 'size': self.size, 'piece_kib': self.a.piece_kib,
            'client_times': times, 't_all': t_all, 't_star': t_star,
            'efficiency': (t_star / t_all) if t_all else None,
            'origin_wire_bytes': origin_wire, 'origin_payload_bytes': origin_payload,
            'cpu_origin_s': cpu_origin, 'cpu_clients_s': cpu_clients, 'cpu_client_max_s': cpu_client_max,
            'machine_busy': busy, 'bad_copies': bad, 'origin_startup_s': startup,
            'tcp_cc': self.a.cc, 'tcp_cc_seen': cc_seen,
            'delay_ms': self.a.delay_ms if self.netem else 0, 'loss_pct': self.a.loss_pct if self.netem else 0,
        }
        self.results.append(r)
        with open(os.path.join(self.a.out, 'results.json'), 'w') as f:
            json.dump({'runs': self.results, 'netem': self.netem}, f, indent=1)
        eff = '%.2f' % r['efficiency'] if r['efficiency'] else '-'
        print('  %-10s %-11s N=%-3d T_all=%s T*=%.1f eff=%s origin=%.2fF cpu(o/c)=%.1f/%.1f busy=%.0f%%%s%s' % (
            scenario, profile, n, '%.1f' % t_all if t_all else 'FAIL', t_star, eff, origin_wire / self.size,
            cpu_origin, cpu_clients, busy * 100, ' BAD %s' % bad if bad else '',
            ' tcp=%s' % ','.join(cc_seen) if cc_seen is not None else ''), flush=True)
        return r

    # ---- the matrix -------------------------------------------------------------------------------------------

    def run(self):
        self.prepare()
        self.start_tracker()
        scenarios = self.a.scenarios.split(',')
        n_max = max(self.a.n)
        try:
            for profile in self.a.profiles.split(','):
                ou, od, cu, cd = PROFILES[profile]
                sh(os.path.join(HERE, 'netns.sh'), 'shape', self.prefix, str(n_max), str(ou), str(od), str(cu),
                   str(cd), str(self.a.delay_ms if self.netem else 0), str(self.a.loss_pct if self.netem else 0),
                   stderr=subprocess.DEVNULL)
                print('profile %s: origin %d/%d Mbit/s, clients %d/%d Mbit/s (up/down)%s' % (
                    profile, ou, od, cu, cd, '' if self.netem else ', no delay/loss (sch_netem not available)'),
                    flush=True)
                if 'http' in scenarios:
                    self.start_nginx()
                for n in self.a.n:
                    for rep in range(self.a.runs):
                        for s in scenarios:
                            if s == 'http':
                                self.http(profile, n)
                            elif s == 'hivebt':
                                self.bt(profile, n, 'hivebt', ['hivebt'] * n, 'hivebt')
                            elif s == 'lt':
                                self.bt(profile, n, 'lt', ['lt'] * n, 'libtorrent')
                            elif s == 'mixed':
                                if n >= 2:
                                    self.bt(profile, n, 'hivebt', ['hivebt' if k % 2 else 'lt'
                                                                   for k in range(1, n + 1)], 'mixed')
                            else:
                                raise SystemExit('unknown scenario ' + s)
                self.stop_nginx()
        finally:
            self.stop_nginx()
            if self.tracker:
                self.tracker.stop()
                self.tracker.reap()
        import report
        report.write(self.a.out, self.results, self.netem, self.a.command)


def use_congestion_control(cc, work):
    """Makes every process started from here create its TCP sockets with congestion control `cc`."""
    if cc == 'system':
        with open('/proc/sys/net/ipv4/tcp_congestion_control') as f:
            print('TCP congestion control: the kernel default (%s)' % f.read().strip(), flush=True)
        return
    with open('/proc/sys/net/ipv4/tcp_available_congestion_control') as f:
        if cc not in f.read().split():
            raise SystemExit('congestion control %s is not available in this kernel' % cc)
    lib = os.path.join(work, 'tcp_cc.so')
    sh('gcc', '-shared', '-fPIC', '-O2', '-o', lib, os.path.join(HERE, 'tcp_cc.c'), '-ldl')
    os.environ['LD_PRELOAD'] = lib
    os.environ['SWARM_TCP_CC'] = cc
    print('TCP congestion control: %s on every socket (LD_PRELOAD %s)' % (cc, lib), flush=True)


def congestion_seen(ns):
    """The congestion control algorithms of the TCP connections in namespace ns, from ss -ti."""
    r = subprocess.run(['ip', 'netns', 'exec', ns, 'ss', '-tinH', 'state', 'established'], capture_output=True,
                       text=True, env=dict(os.environ, LD_PRELOAD=''))
    return set(re.findall(r'\b(cubic|bbr|reno|vegas|westwood|htcp|bic|dctcp)\b', r.stdout))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--prefix', required=True)
    ap.add_argument('--work', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--n', type=lambda s: [int(x) for x in s.split(',')], default=[1, 2, 5, 10, 16, 24])
    ap.add_argument('--profiles', default='datacenter,home')
    ap.add_argument('--scenarios', default='http,hivebt,lt,mixed')
    ap.add_argument('--size-mib', type=int, default=32)
    ap.add_argument('--mbit', type=float, default=20, help='uplink rate u in Mbit/s (profiles scale with it)')
    ap.add_argument('--piece-kib', type=int, default=256)
    ap.add_argument('--runs', type=int, default=1)
    ap.add_argument('--timeout-factor', type=float, default=6.0)
    ap.add_argument('--delay-ms', type=int, default=0)
    ap.add_argument('--loss-pct', type=float, default=0)
    ap.add_argument('--hivebt-client-args', default='',
                    help='extra arguments for every hivebt client (hivebt download), e.g. "--max-uploads 8"')
    ap.add_argument('--java-opts', default='-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=1')
    ap.add_argument('--cc', default='cubic',
                    help='TCP congestion control of every program in the runs (an LD_PRELOAD shim sets it on each '
                         'socket): cubic (default: what Linux and Windows hosts use), bbr, reno, or "system" for '
                         "this kernel's default")
    ap.add_argument('--command', default='', help='the run.sh command line, for the report')
    ap.add_argument('--keep', action='store_true', help='keep per-run folders (logs, copies)')
    a = ap.parse_args()
    for name, shape in PROFILE_SHAPES.items():
        PROFILES[name] = tuple(int(round(x * a.mbit)) for x in shape)
    os.makedirs(a.out, exist_ok=True)
    use_congestion_control(a.cc, a.work)
    Bench(a).run()


if __name__ == '__main__':
    sys.path.insert(0, HERE)
    main()
