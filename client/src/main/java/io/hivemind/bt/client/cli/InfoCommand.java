package io.hivemind.bt.client.cli;

import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.magnet.MagnetException;
import io.hivemind.bt.wire.magnet.MagnetLink;
import io.hivemind.bt.wire.metainfo.FileEntry;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.MetainfoException;
import io.hivemind.bt.wire.metainfo.MetainfoLimits;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code hivebt info <file.torrent|magnet>}: what a torrent or magnet link holds, as text or {@code --json}. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a torrent file or a magnet link: name, info-hashes, size, pieces, files, trackers.")
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<file.torrent|magnet>", description = "A .torrent file or a magnet: link.")
    String target;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--pad-files", description = "Also list BEP 47 pad files.")
    boolean padFiles;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (target.regionMatches(true, 0, "magnet:", 0, 7)) {
            MagnetLink link;
            try {
                link = MagnetLink.parse(target);
            } catch (MagnetException e) {
                throw new IllegalArgumentException("bad magnet link (" + e.reason() + "): " + e.getMessage(), e);
            }
            out.print(json ? Json.write(magnetJson(link)) : magnetText(link));
        } else {
            Metainfo m = read(Path.of(target));
            out.print(json ? Json.write(torrentJson(m)) : torrentText(m));
        }
        out.flush();
        return 0;
    }

    private static Metainfo read(Path file) throws IOException {
        int limit = MetainfoLimits.DEFAULT.bencode().maxSize();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(limit + 1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + file, e);
        }
        if (bytes.length > limit) {
            throw new IllegalArgumentException(file + " is larger than " + limit + " bytes: not a torrent file");
        }
        try {
            return Metainfo.parse(bytes);
        } catch (MetainfoException e) {
            throw new IllegalArgumentException("bad torrent file " + file + " (" + e.reason() + "): " + e.getMessage(), e);
        }
    }

    private static String version(TorrentVersion v) {
        return v.name().toLowerCase(Locale.ROOT);
    }

    private String torrentText(Metainfo m) {
        InfoDictionary info = m.info();
        StringBuilder sb = new StringBuilder();
        line(sb, "Name", info.name());
        line(sb, "Version", version(info.version()) + (info.isPrivate() ? ", private" : ""));
        if (m.infoHashes().hasV1()) {
            line(sb, "Info-hash v1", m.infoHashes().v1Hex());
        }
        if (m.infoHashes().hasV2()) {
            line(sb, "Info-hash v2", m.infoHashes().v2Hex());
        }
        long files = info.files().stream().filter(f -> !f.isPad()).count();
        line(sb, "Size", Sizes.human(info.totalLength()) + " (" + info.totalLength() + " bytes) in " + files
                + (files == 1 ? " file" : " files"));
        line(sb, "Pieces", info.pieceCount() + " x " + Sizes.human(info.pieceLength()));
        if (m.comment() != null) {
            line(sb, "Comment", m.comment());
        }
        if (m.createdBy() != null) {
            line(sb, "Created by", m.createdBy());
        }
        if (m.creationDate() >= 0) {
            line(sb, "Created", Instant.ofEpochSecond(m.creationDate()).toString());
        }
        if (info.source() != null) {
            line(sb, "Source", info.source());
        }
        List<List<String>> tiers = m.announceTiers();
        for (int t = 0; t < tiers.size(); t++) {
            for (String url : tiers.get(t)) {
                line(sb, "Tracker", "tier " + t + ": " + url);
            }
        }
        for (String ws : m.urlList()) {
            line(sb, "Web seed", ws);
        }
        line(sb, "Magnet", MagnetLink.of(m).format());
        sb.append("Files:\n");
        for (FileEntry f : info.files()) {
            if (f.isPad() && !padFiles) {
                continue;
            }
            String path = info.isSingleFile() ? f.pathString() : info.name() + "/" + f.pathString();
            sb.append(String.format(Locale.ROOT, "  %12d  %s%s%n", f.length(), printable(path),
                    f.attributes().isEmpty() ? "" : "  [" + f.attributes() + "]"));
        }
        return sb.toString();
    }

    private static String magnetText(MagnetLink link) {
        StringBuilder sb = new StringBuilder();
        if (link.displayName() != null) {
            line(sb, "Name", link.displayName());
        }
        if (link.infoHashes().hasV1()) {
            line(sb, "Info-hash v1", link.infoHashes().v1Hex());
        }
        if (link.infoHashes().hasV2()) {
            line(sb, "Info-hash v2", link.infoHashes().v2Hex());
        }
        for (String t : link.trackers()) {
            line(sb, "Tracker", t);
        }
        for (String w : link.webSeeds()) {
            line(sb, "Web seed", w);
        }
        for (MagnetLink.PeerAddress p : link.peers()) {
            line(sb, "Peer", p.toString());
        }
        if (!link.selectOnly().isEmpty()) {
            line(sb, "Select only", String.join(",", link.selectOnly().stream().map(Object::toString).toList()));
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format(Locale.ROOT, "%-13s %s%n", key + ":", printable(value)));
    }

    /** Control characters never reach the terminal (a torrent could carry escape sequences). */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (Character.getType(cp) == Character.CONTROL) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    private Map<String, Object> torrentJson(Metainfo m) {
        InfoDictionary info = m.info();
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("type", "torrent");
        j.put("name", info.name());
        j.put("version", version(info.version()));
        j.put("infoHashV1", m.infoHashes().hasV1() ? m.infoHashes().v1Hex() : null);
        j.put("infoHashV2", m.infoHashes().hasV2() ? m.infoHashes().v2Hex() : null);
        j.put("totalLength", info.totalLength());
        j.put("pieceLength", info.pieceLength());
        j.put("pieceCount", info.pieceCount());
        j.put("private", info.isPrivate());
        j.put("singleFile", info.isSingleFile());
        j.put("comment", m.comment());
        j.put("createdBy", m.createdBy());
        j.put("creationDate", m.creationDate() >= 0 ? m.creationDate() : null);
        j.put("source", info.source());
        j.put("trackers", m.announceTiers());
        j.put("webSeeds", m.urlList());
        j.put("magnet", MagnetLink.of(m).format());
        List<Object> files = new ArrayList<>();
        for (FileEntry f : info.files()) {
            if (f.isPad() && !padFiles) {
                continue;
            }
            Map<String, Object> fj = new LinkedHashMap<>();
            fj.put("path", f.path());
            fj.put("length", f.length());
            fj.put("offset", f.offset());
            fj.put("attributes", f.attributes());
            if (f.isPad()) {
                fj.put("pad", true);
            }
            byte[] root = f.piecesRoot();
            if (root != null) {
                fj.put("piecesRoot", Hex.encode(root));
            }
            files.add(fj);
        }
        j.put("files", files);
        return j;
    }

    private static Map<String, Object> magnetJson(MagnetLink link) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("type", "magnet");
        j.put("name", link.displayName());
        j.put("infoHashV1", link.infoHashes().hasV1() ? link.infoHashes().v1Hex() : null);
        j.put("infoHashV2", link.infoHashes().hasV2() ? link.infoHashes().v2Hex() : null);
        j.put("trackers", link.trackers());
        j.put("webSeeds", link.webSeeds());
        j.put("peers", link.peers().stream().map(Object::toString).toList());
        j.put("selectOnly", link.selectOnly().stream().map(Object::toString).toList());
        return j;
    }
}
