# Test helper run with /usr/bin/python3 (python3-libtorrent 2.0). Writes a bencoded description of a torrent as
# libtorrent sees it to stdout, so the Java tests need no JSON parser.
#   lt_torrent.py create <path> <piece size> <v1|v2|hybrid> <out.torrent> [key=value...]
#       keys: tracker=<url>@<tier> (repeatable), webseed=<url>, comment=, creator=, private=1, date=<seconds>
#   lt_torrent.py inspect <file.torrent>
#   lt_torrent.py magnet <file.torrent>          (make_magnet_uri, as a bencoded string)
#   lt_torrent.py parse_magnet <uri>             (parse_magnet_uri, described)
import os
import sys

import libtorrent as lt


def describe(ti):
    ih = ti.info_hashes()
    fs = ti.files()
    files = []
    for i in range(fs.num_files()):
        files.append({
            b'path': fs.file_path(i).encode(),
            b'size': fs.file_size(i),
            b'offset': fs.file_offset(i),
            b'pad': 1 if fs.file_flags(i) & lt.file_storage.flag_pad_file else 0,
            b'root': str(fs.root(i)).encode() if ih.has_v2() else b'',
        })
    return {
        b'v1': str(ih.v1).encode() if ih.has_v1() else b'',
        b'v2': str(ih.v2).encode() if ih.has_v2() else b'',
        b'name': ti.name().encode(),
        b'piece_length': ti.piece_length(),
        b'num_pieces': ti.num_pieces(),
        b'total_size': ti.total_size(),
        b'private': 1 if ti.priv() else 0,
        b'comment': ti.comment().encode(),
        b'creator': ti.creator().encode(),
        b'creation_date': ti.creation_date(),
        b'trackers': [[t.url.encode(), t.tier] for t in ti.trackers()],
        b'web_seeds': [w['url'].encode() for w in ti.web_seeds()],
        b'files': files,
    }


def create(path, piece_size, kind, out, options):
    path = os.path.abspath(path)
    parent = os.path.dirname(path)
    fs = lt.file_storage()
    if kind == 'v1':
        # libtorrent keeps the order files are added in (directory order): add them in mktorrent's order,
        # whole relative paths compared as bytes, so the v1 comparison does not depend on readdir
        if os.path.isdir(path):
            entries = []
            for dirpath, _, names in os.walk(path):
                for n in names:
                    p = os.path.join(dirpath, n)
                    entries.append((os.path.relpath(p, parent), os.path.getsize(p)))
            entries.sort(key=lambda e: os.fsencode(os.path.relpath(os.path.join(parent, e[0]), path)))
            for rel, size in entries:
                fs.add_file(rel, size)
        else:
            fs.add_file(os.path.basename(path), os.path.getsize(path))
        flags = lt.create_torrent.v1_only
    else:
        lt.add_files(fs, path)
        flags = lt.create_torrent.v2_only if kind == 'v2' else 0
    ct = lt.create_torrent(fs, piece_size, flags)
    for key, value in options:
        if key == 'tracker':
            url, tier = value.rsplit('@', 1)
            ct.add_tracker(url, int(tier))
        elif key == 'webseed':
            ct.add_url_seed(value)
        elif key == 'comment':
            ct.set_comment(value)
        elif key == 'creator':
            ct.set_creator(value)
        elif key == 'private':
            ct.set_priv(value == '1')
    lt.set_piece_hashes(ct, parent)
    entry = ct.generate()
    for key, value in options:
        if key == 'date':
            entry[b'creation date'] = int(value)
    data = lt.bencode(entry)
    with open(out, 'wb') as f:
        f.write(data)
    return lt.torrent_info(data)


def describe_magnet(p):
    return {
        b'v1': str(p.info_hashes.v1).encode() if p.info_hashes.has_v1() else b'',
        b'v2': str(p.info_hashes.v2).encode() if p.info_hashes.has_v2() else b'',
        b'name': p.name.encode(),
        b'trackers': [t.encode() for t in p.trackers],
        b'web_seeds': [w.encode() for w in p.url_seeds],
        b'peers': [('%s:%d' % (h, port)).encode() for h, port in p.peers],
        b'file_priorities': [int(x) for x in p.file_priorities],
    }


def main():
    if sys.argv[1] == 'magnet':
        sys.stdout.buffer.write(lt.bencode(lt.make_magnet_uri(lt.torrent_info(sys.argv[2])).encode()))
        return
    if sys.argv[1] == 'parse_magnet':
        sys.stdout.buffer.write(lt.bencode(describe_magnet(lt.parse_magnet_uri(sys.argv[2]))))
        return
    if sys.argv[1] == 'create':
        options = [a.split('=', 1) for a in sys.argv[6:]]
        ti = create(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], options)
    else:
        ti = lt.torrent_info(sys.argv[2])
    sys.stdout.buffer.write(lt.bencode(describe(ti)))


main()
