"""Markdown tables, a plot and a one-line summary from the swarm driver's runs (also: python3 report.py <dir>)."""
import json
import os
import statistics
import sys

LABELS = ['HTTP', 'hivebt', 'libtorrent', 'mixed']


def _median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def _by(runs):
    """{(profile, n, scenario): [runs]}"""
    out = {}
    for r in runs:
        out.setdefault((r['profile'], r['n'], r['scenario']), []).append(r)
    return out


def _pick(rs):
    """The median run by T_all (failed runs count as slowest)."""
    rs = sorted(rs, key=lambda r: r['t_all'] if r['t_all'] else float('inf'))
    return rs[(len(rs) - 1) // 2]


def _fmt(x, f='%.1f'):
    return '-' if x is None else f % x


def tables(runs, netem):
    by = _by(runs)
    lines = []
    for profile in sorted({r['profile'] for r in runs}, key=lambda p: (p != 'datacenter', p)):
        prs = [r for r in runs if r['profile'] == profile]
        ou, od, cu, cd = prs[0]['links_mbit']
        size = prs[0]['size']
        lines.append('#### %s profile: origin %d/%d Mbit/s, each client %d/%d Mbit/s (up/down), F = %d MiB, '
                     '%d KiB pieces%s' % (profile, ou, od, cu, cd, size >> 20, prs[0]['piece_kib'],
                                          '' if netem else ', no added delay or loss'))
        lines.append('')
        scen = [s for s in LABELS if any(r['scenario'] == s for r in prs)]
        head = ['N', 'T* s'] + [('%s s' if s == 'HTTP' else '%s s (eff)') % s for s in scen]
        if 'HTTP' in scen:
            head += ['%s vs HTTP' % s for s in scen if s != 'HTTP']
        head += ['origin sent / F: %s' % s for s in scen if s != 'HTTP']
        lines.append('| ' + ' | '.join(head) + ' |')
        lines.append('|' + '---|' * len(head))
        for n in sorted({r['n'] for r in prs}):
            row = None
            cells = {}
            for s in scen:
                rs = by.get((profile, n, s))
                if rs:
                    cells[s] = _pick(rs)
                    row = cells[s]
            if row is None:
                continue
            out = [str(n), '%.1f' % row['t_star']]
            for s in scen:
                r = cells.get(s)
                if r is None:
                    out.append('')
                elif r['t_all'] is None:
                    out.append('failed')
                elif s == 'HTTP':
                    out.append('%.1f' % r['t_all'])
                else:
                    out.append('%.1f (%.2f)' % (r['t_all'], r['efficiency']))
            if 'HTTP' in scen:
                h = cells.get('HTTP')
                for s in scen:
                    if s == 'HTTP':
                        continue
                    r = cells.get(s)
                    out.append('%.1f×' % (h['t_all'] / r['t_all']) if h and r and h['t_all'] and r['t_all']
                               else '')
            for s in scen:
                if s == 'HTTP':
                    continue
                r = cells.get(s)
                out.append('%.2f' % (r['origin_wire_bytes'] / r['size']) if r else '')
            lines.append('| ' + ' | '.join(out) + ' |')
        lines.append('')
    return lines


def detail(runs):
    lines = ['| run | N | T_all s | client times s (min / median / max) | T* s | eff | origin wire / F | '
             'origin payload / F | CPU s origin | CPU s clients (sum / max) | machine busy |',
             '|---|---|---|---|---|---|---|---|---|---|---|']
    for r in runs:
        ts = [t for t in r['client_times'] if t is not None]
        ct = '%.1f / %.1f / %.1f' % (min(ts), statistics.median(ts), max(ts)) if ts else '-'
        if len(ts) < len(r['client_times']):
            ct += ' (%d unfinished)' % (len(r['client_times']) - len(ts))
        if r['bad_copies']:
            ct += ' BAD COPIES %s' % r['bad_copies']
        lines.append('| %s | %d | %s | %s | %.1f | %s | %.2f | %.2f | %.1f | %.1f / %.1f | %.0f %% |' % (
            r['tag'], r['n'], _fmt(r['t_all']), ct, r['t_star'], _fmt(r['efficiency'], '%.2f'),
            r['origin_wire_bytes'] / r['size'], r['origin_payload_bytes'] / r['size'], r['cpu_origin_s'],
            r['cpu_clients_s'], r['cpu_client_max_s'], 100 * r['machine_busy']))
    return lines


def summary(runs):
    by = _by(runs)
    parts = []
    for (profile, n) in sorted({(r['profile'], r['n']) for r in runs}, key=lambda k: (k[0], -k[1])):
        if any(p.startswith(profile + ' ') for p in parts):
            continue
        h = by.get((profile, n, 'hivebt'))
        if not h:
            continue
        h = _pick(h)
        bits = ['%s N=%d: hivebt %s s (eff %s, origin %.2f F)' % (
            profile, n, _fmt(h['t_all']), _fmt(h['efficiency'], '%.2f'), h['origin_wire_bytes'] / h['size'])]
        lt = by.get((profile, n, 'libtorrent'))
        if lt:
            lt = _pick(lt)
            bits.append('libtorrent %s s (eff %s)' % (_fmt(lt['t_all']), _fmt(lt['efficiency'], '%.2f')))
        http = by.get((profile, n, 'HTTP'))
        if http:
            http = _pick(http)
            bits.append('HTTP %s s' % _fmt(http['t_all']))
            if http['t_all'] and h['t_all']:
                bits.append('hivebt %.1f× faster than HTTP' % (http['t_all'] / h['t_all']))
        parts.append(', '.join(bits))
    return '; '.join(parts)


def plot(out, runs):
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    by = _by(runs)
    profiles = sorted({r['profile'] for r in runs}, key=lambda p: (p != 'datacenter', p))
    fig, axes = plt.subplots(1, len(profiles), figsize=(6 * len(profiles), 4.5), squeeze=False)
    styles = {'HTTP': ('tab:red', 's'), 'hivebt': ('tab:blue', 'o'), 'libtorrent': ('tab:orange', '^'),
              'mixed': ('tab:green', 'D')}
    for ax, profile in zip(axes[0], profiles):
        prs = [r for r in runs if r['profile'] == profile]
        ns = sorted({r['n'] for r in prs})
        for s in LABELS:
            pts = [(n, _pick(by[(profile, n, s)])['t_all']) for n in ns if (profile, n, s) in by]
            pts = [(n, t) for n, t in pts if t]
            if pts:
                c, m = styles[s]
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=m, color=c, label=s)
        bound = {}
        for r in prs:
            bound[r['n']] = r['t_star']
        ax.plot(sorted(bound), [bound[n] for n in sorted(bound)], 'k--', label='lower bound T*')
        ou, od, cu, cd = prs[0]['links_mbit']
        ax.set_title('%s: origin %d/%d, clients %d/%d Mbit/s, F = %d MiB' % (profile, ou, od, cu, cd,
                                                                            prs[0]['size'] >> 20), fontsize=9)
        ax.set_xlabel('clients N')
        ax.set_ylabel('time until every client has a verified copy (s)')
        ax.set_yscale('log')
        ax.grid(True, which='both', alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    path = os.path.join(out, 'swarm.png')
    fig.savefig(path, dpi=110)
    return path


def write(out, runs, netem, command):
    md = ['# Swarm benchmark results', '',
          'Command: `bench/swarm/run.sh %s`' % command, '',
          'T* = max(F/u_origin, N·F/(u_origin + N·u_client), F/d_client) from the nominal link rates; efficiency '
          '= T*/T_all. TCP/IP framing takes about 4 % of a link, so about 0.96 is the ceiling. "origin sent / F" '
          'counts every byte the origin put on its link (headers and protocol included).'
          + ('' if netem else ' This kernel has no sch_netem: links have rate limits but no added delay or '
                               'loss.'), '']
    cc = sorted({r.get('tcp_cc', 'system') for r in runs})
    seen = sorted({a for r in runs for a in (r.get('tcp_cc_seen') or [])})
    md += ['TCP congestion control: %s (asked for, on every socket of every program); seen on the connections of '
           'client 1 and the origin halfway to T* in the BitTorrent runs: %s.' % (', '.join(cc), ', '.join(seen) or '-'),
           '']
    md += tables(runs, netem)
    md += ['#### Every run', ''] + detail(runs) + ['']
    s = summary(runs)
    md += ['Summary: ' + s, '']
    with open(os.path.join(out, 'results.md'), 'w') as f:
        f.write('\n'.join(md))
    with open(os.path.join(out, 'summary.txt'), 'w') as f:
        f.write(s + '\n')
    p = plot(out, runs)
    print('\n'.join(md))
    print('plot: %s' % (p or 'not drawn (python3-matplotlib missing)'))


if __name__ == '__main__':
    d = sys.argv[1]
    with open(os.path.join(d, 'results.json')) as f:
        j = json.load(f)
    write(d, j['runs'], j['netem'], '(re-rendered)')
