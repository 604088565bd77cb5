package io.hivemind.bt.wire.testing;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives python3-libtorrent 2.0 (through {@code /usr/bin/python3} and the {@code lt_torrent.py} script, copied to
 * a temp file) to create and inspect torrents, so tests compare hivebt with the reference implementation. Every
 * call first requires libtorrent ({@link ExternalPrograms#requireLibtorrent()}): it skips locally and fails in CI
 * when it is missing.
 */
public final class Libtorrent {
    private static volatile Path script;

    private Libtorrent() {
    }

    /** libtorrent's view of a torrent (the fields {@code lt_torrent.py} describes). */
    public record Description(String v1, String v2, String name, long pieceLength, int numPieces, long totalSize,
                              boolean isPrivate, String comment, String creator, long creationDate,
                              List<Tracker> trackers, List<String> webSeeds, List<LtFile> files) {
    }

    public record Tracker(String url, int tier) {
    }

    /** One entry of libtorrent's file list: its path includes the torrent name for multi-file torrents. */
    public record LtFile(String path, long size, long offset, boolean pad, String root) {
    }

    /**
     * Creates a torrent of {@code path} with libtorrent's {@code create_torrent} and returns libtorrent's view of it.
     *
     * @param kind    "v1", "v2" or "hybrid"
     * @param options {@code tracker=<url>@<tier>}, {@code webseed=<url>}, {@code comment=…}, {@code creator=…},
     *                {@code private=1}, {@code date=<seconds>}
     */
    public static Description create(Path path, long pieceSize, String kind, Path out, String... options) {
        List<String> cmd = new ArrayList<>(List.of("create", path.toString(), Long.toString(pieceSize), kind,
                out.toString()));
        cmd.addAll(List.of(options));
        return run(cmd);
    }

    /** libtorrent's view of a torrent file. */
    public static Description inspect(Path torrent) {
        return run(List.of("inspect", torrent.toString()));
    }

    /** libtorrent's view of a magnet link ({@code parse_magnet_uri}). */
    public record MagnetView(String v1, String v2, String name, List<String> trackers, List<String> webSeeds,
                             List<String> peers, List<Long> filePriorities) {
    }

    /** {@code make_magnet_uri} of a torrent file. */
    public static String makeMagnet(Path torrent) {
        return ((BBytes) BencodeDecoder.decode(exec(List.of("magnet", torrent.toString())), BencodeLimits.DEFAULT))
                .asString();
    }

    /** {@code parse_magnet_uri} of a link. */
    public static MagnetView parseMagnet(String uri) {
        BDict d = (BDict) BencodeDecoder.decode(exec(List.of("parse_magnet", uri)), BencodeLimits.DEFAULT);
        List<Long> prio = new ArrayList<>();
        for (BValue v : d.getList("file_priorities").values()) {
            prio.add(((io.hivemind.bt.wire.bencode.BInt) v).value());
        }
        return new MagnetView(empty(d.getString("v1")), empty(d.getString("v2")), d.getString("name"),
                strings(d.getList("trackers")), strings(d.getList("web_seeds")), strings(d.getList("peers")), prio);
    }

    private static List<String> strings(BList list) {
        List<String> out = new ArrayList<>();
        for (BValue v : list.values()) {
            out.add(((BBytes) v).asString());
        }
        return out;
    }

    private static Description run(List<String> args) {
        return parse((BDict) BencodeDecoder.decode(exec(args), BencodeLimits.DEFAULT));
    }

    private static byte[] exec(List<String> args) {
        ExternalPrograms.requireLibtorrent();
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(ExternalPrograms.SYSTEM_PYTHON.toString());
            cmd.add(script().toString());
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            byte[] out;
            byte[] err;
            try (InputStream in = p.getInputStream(); InputStream e = p.getErrorStream()) {
                out = in.readAllBytes();
                err = e.readAllBytes();
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("libtorrent script timed out: " + args);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError("libtorrent script failed (" + p.exitValue() + "): "
                        + new String(err, StandardCharsets.UTF_8));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static Description parse(BDict d) {
        List<Tracker> trackers = new ArrayList<>();
        for (BValue t : d.getList("trackers").values()) {
            BList l = (BList) t;
            trackers.add(new Tracker(((BBytes) l.get(0)).asString(), (int) ((io.hivemind.bt.wire.bencode.BInt) l.get(1)).value()));
        }
        List<String> seeds = new ArrayList<>();
        for (BValue w : d.getList("web_seeds").values()) {
            seeds.add(((BBytes) w).asString());
        }
        List<LtFile> files = new ArrayList<>();
        for (BValue v : d.getList("files").values()) {
            BDict f = (BDict) v;
            files.add(new LtFile(f.getString("path"), f.getLong("size", -1), f.getLong("offset", -1),
                    f.getLong("pad", 0) == 1, f.getString("root")));
        }
        return new Description(empty(d.getString("v1")), empty(d.getString("v2")), d.getString("name"),
                d.getLong("piece_length", -1), (int) d.getLong("num_pieces", -1), d.getLong("total_size", -1),
                d.getLong("private", 0) == 1, d.getString("comment"), d.getString("creator"),
                d.getLong("creation_date", 0), trackers, seeds, files);
    }

    private static String empty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static Path script() throws IOException {
        Path s = script;
        if (s == null) {
            synchronized (Libtorrent.class) {
                s = script;
                if (s == null) {
                    s = Files.createTempFile("hivebt-lt_torrent", ".py");
                    s.toFile().deleteOnExit();
                    try (InputStream in = Libtorrent.class.getResourceAsStream("lt_torrent.py")) {
                        if (in == null) {
                            throw new IOException("lt_torrent.py is missing from the test resources");
                        }
                        Files.write(s, in.readAllBytes());
                    }
                    script = s;
                }
            }
        }
        return s;
    }
}
