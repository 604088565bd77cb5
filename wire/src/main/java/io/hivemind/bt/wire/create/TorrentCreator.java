package io.hivemind.bt.wire.create;

import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeEncoder;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import io.hivemind.bt.wire.metainfo.Merkle;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.MetainfoLimits;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Creates {@code .torrent} files from a file or a directory: v1 (BEP 3, the default), v2 (BEP 52) or hybrid, with
 * trackers in tiers (BEP 12), web seeds (BEP 19), the private flag (BEP 27) and, for hybrid torrents, BEP 47 pad
 * files. This is the seed's {@code TorrentCreator}.
 *
 * <pre>{@code
 * Metainfo torrent = TorrentCreator.builder(Path.of("model"))
 *         .version(TorrentVersion.HYBRID)
 *         .addTier("udp://tracker.example:6969/announce")
 *         .progress((done, total) -> System.err.printf("%d%%%n", 100 * done / total))
 *         .build()
 *         .create();
 * Files.write(Path.of("model.torrent"), torrent.encode());
 * }</pre>
 *
 * <p>Output is deterministic: the same files and options give the same bytes (set {@link Builder#creationDate} for
 * byte-identical files; the info-hashes never depend on it). Files are ordered as the reference tools order them,
 * so for the same files and piece size the info-hashes equal theirs: v1 like mktorrent (whole paths compared as
 * bytes; libtorrent keeps the order it is given), v2 and hybrid like libtorrent 2.0 (the file tree's order, pad
 * files after every unaligned file of a multi-file torrent). Symbolic links are followed (like mktorrent), empty
 * directories and non-regular files are skipped, empty files are kept.
 *
 * <p>Hashing runs on a pool of {@link Builder#threads} threads (all cores by default) that read long sequential
 * runs of the files in parallel; see {@link ParallelHasher}. A creator is immutable and may be used from any
 * thread; {@link #create()} blocks its caller.
 */
public final class TorrentCreator {
    /** The {@code created by} value unless another is set. */
    public static final String DEFAULT_CREATED_BY = "hivebt 0.1.0";

    private static final long NOW = Long.MIN_VALUE;

    /** Receives hashing progress: bytes of the piece space hashed so far, and the total. */
    @FunctionalInterface
    public interface ProgressListener {
        /**
         * Called from the hashing threads, one call at a time, with increasing {@code done}; the last call has
         * {@code done == total}. Must be quick and must not throw.
         */
        void progress(long done, long total);
    }

    private final Path source;
    private final TorrentVersion version;
    private final long pieceLength;
    private final List<List<String>> tiers;
    private final List<String> webSeeds;
    private final boolean privateFlag;
    private final String sourceTag;
    private final String comment;
    private final String createdBy;
    private final long creationDate;
    private final boolean includeHidden;
    private final boolean attributes;
    private final int threads;
    private final String name;
    private final ProgressListener progress;

    private TorrentCreator(Builder b) {
        this.source = b.source;
        this.version = b.version;
        this.pieceLength = b.pieceLength;
        this.tiers = b.tiers.stream().map(List::copyOf).toList();
        this.webSeeds = List.copyOf(b.webSeeds);
        this.privateFlag = b.privateFlag;
        this.sourceTag = b.sourceTag;
        this.comment = b.comment;
        this.createdBy = b.createdBy;
        this.creationDate = b.creationDate;
        this.includeHidden = b.includeHidden;
        this.attributes = b.attributes;
        this.threads = b.threads;
        this.name = b.name;
        this.progress = b.progress;
    }

    /** A builder for a torrent of {@code source}, a regular file (single-file torrent) or a directory. */
    public static Builder builder(Path source) {
        return new Builder(source);
    }

    /**
     * libtorrent's automatic piece size, so that automatic choices agree: 16 KiB for up to about 2.5 MB, doubling
     * at each step of a table that keeps the piece list near {@code 2 * sqrt(size)} bytes (1 MiB for 4 GiB), up to
     * 16 MiB above 700 GB. Always a power of two ≥ 16 KiB, valid for every torrent kind.
     */
    public static long autoPieceLength(long totalLength) {
        long[] table = {2_684_355L, 10_737_418L, 42_949_673L, 171_798_692L, 687_194_767L, 2_748_779_069L,
                10_995_116_278L, 43_980_465_111L, 175_921_860_444L, 703_687_441_777L};
        int i = 0;
        while (i < table.length && table[i] < totalLength) {
            i++;
        }
        return (long) Merkle.BLOCK_SIZE << i;
    }

    /**
     * Lists the files, hashes them and returns the torrent. Blocks until done.
     *
     * @throws IOException              if a file cannot be read or changes size while it is hashed
     * @throws IllegalArgumentException if the source holds no data, or the piece size would need more pieces than
     *                                  {@link MetainfoLimits#maxPieces()}
     */
    public Metainfo create() throws IOException {
        Path root = source.toAbsolutePath().normalize();
        BasicFileAttributes rootAttrs;
        try {
            rootAttrs = Files.readAttributes(root, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(source.toString(), null, "no such file or directory");
        }
        boolean single = !rootAttrs.isDirectory();
        if (single && !rootAttrs.isRegularFile()) {
            throw new IllegalArgumentException(source + " is neither a regular file nor a directory");
        }
        String torrentName = name != null ? name
                : root.getFileName() == null ? "torrent" : root.getFileName().toString();
        List<SourceFile> files = single
                ? List.of(new SourceFile(root, List.of(torrentName), rootAttrs.size(), Files.isExecutable(root)))
                : listDirectory(root);
        files = new ArrayList<>(files);
        files.sort(version == TorrentVersion.V1 ? SourceFile.V1_ORDER : SourceFile.TREE_ORDER);
        long total = 0;
        for (SourceFile f : files) {
            total = Math.addExact(total, f.length());
        }
        if (total == 0) {
            throw new IllegalArgumentException(source + " holds no data: a torrent needs at least one non-empty file");
        }
        long pl = pieceLength > 0 ? pieceLength : autoPieceLength(total);
        Layout layout = new Layout(version, pl, files, MetainfoLimits.DEFAULT.maxPieces());
        ParallelHasher.Result hashes = new ParallelHasher(layout, threads, progress).hash();
        byte[] encoded = encode(layout, hashes, torrentName, single);
        int size = encoded.length;
        BencodeLimits bencode = new BencodeLimits(100, Integer.MAX_VALUE, size, size, false);
        MetainfoLimits limits = new MetainfoLimits(bencode, MetainfoLimits.DEFAULT.maxPieces(),
                MetainfoLimits.DEFAULT.maxPathDepth(), Integer.MAX_VALUE, MetainfoLimits.DEFAULT.maxNameBytes());
        return Metainfo.parse(encoded, limits);
    }

    private List<SourceFile> listDirectory(Path root) throws IOException {
        List<SourceFile> out = new ArrayList<>();
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        if (!dir.equals(root) && !includeHidden && isHidden(dir)) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (!attrs.isRegularFile() || (!includeHidden && isHidden(file))) {
                            return FileVisitResult.CONTINUE;
                        }
                        Path rel = root.relativize(file);
                        List<String> components = new ArrayList<>(rel.getNameCount());
                        for (Path c : rel) {
                            components.add(c.toString());
                        }
                        out.add(new SourceFile(file, components, attrs.size(), attributes && Files.isExecutable(file)));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof FileSystemLoopException) {
                            throw new IOException("symbolic link loop at " + file, e);
                        }
                        throw e;
                    }
                });
        return out;
    }

    private static boolean isHidden(Path p) {
        Path n = p.getFileName();
        return n != null && n.toString().startsWith(".");
    }

    private byte[] encode(Layout layout, ParallelHasher.Result hashes, String torrentName, boolean single) {
        boolean v1 = version.hasV1();
        boolean v2 = version.hasV2();
        List<SourceFile> files = layout.files;
        BDict.Builder info = BDict.builder();
        info.put("name", torrentName);
        info.put("piece length", layout.pieceLength);
        if (privateFlag) {
            info.put("private", 1);
        }
        if (sourceTag != null) {
            info.put("source", sourceTag);
        }
        if (v1) {
            if (single) {
                SourceFile f = files.getFirst();
                info.put("length", f.length());
                if (attributes && f.executable()) {
                    info.put("attr", "x");
                }
            } else {
                List<BValue> list = new ArrayList<>(files.size() * (version == TorrentVersion.HYBRID ? 2 : 1));
                for (int i = 0; i < files.size(); i++) {
                    SourceFile f = files.get(i);
                    BDict.Builder e = BDict.builder().put("length", f.length()).put("path", strings(f.components()));
                    if (attributes && f.executable()) {
                        e.put("attr", "x");
                    }
                    list.add(e.build());
                    if (layout.padAfter[i] > 0) {
                        list.add(BDict.builder().put("attr", "p").put("length", layout.padAfter[i])
                                .put("path", strings(List.of(".pad", Long.toString(layout.padAfter[i])))).build());
                    }
                }
                info.put("files", new BList(list));
            }
            info.put("pieces", hashes.v1Pieces());
        }
        if (v2) {
            info.put("meta version", 2);
            info.put("file tree", fileTree(files, hashes.roots()));
        }
        BDict.Builder root = BDict.builder().put("info", info.build());
        List<String> all = tiers.stream().flatMap(List::stream).toList();
        if (!all.isEmpty()) {
            root.put("announce", all.getFirst());
            if (all.size() > 1) {
                List<BValue> tierList = new ArrayList<>();
                for (List<String> tier : tiers) {
                    tierList.add(strings(tier));
                }
                root.put("announce-list", new BList(tierList));
            }
        }
        if (!webSeeds.isEmpty()) {
            root.put("url-list", webSeeds.size() == 1 ? BBytes.of(webSeeds.getFirst()) : strings(webSeeds));
        }
        if (comment != null) {
            root.put("comment", comment);
        }
        if (createdBy != null) {
            root.put("created by", createdBy);
        }
        if (creationDate != -1) {
            root.put("creation date", creationDate == NOW ? Instant.now().getEpochSecond() : creationDate);
        }
        if (v2) {
            Map<BBytes, BValue> layers = new TreeMap<>();
            for (int i = 0; i < files.size(); i++) {
                byte[] layer = hashes.layers()[i];
                if (layer != null) {
                    layers.put(BBytes.of(hashes.roots()[i]), BBytes.of(layer));
                }
            }
            root.put("piece layers", BDict.of(layers));
        }
        return BencodeEncoder.encode(root.build());
    }

    /** The BEP 52 file tree: files' components below the root directory (the name alone for one file). */
    private BDict fileTree(List<SourceFile> files, byte[][] roots) {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            SourceFile f = files.get(i);
            Map<String, Object> dir = tree;
            List<String> c = f.components();
            for (int k = 0; k < c.size() - 1; k++) {
                Object sub = dir.computeIfAbsent(c.get(k), x -> new LinkedHashMap<String, Object>());
                if (!(sub instanceof Map)) {
                    throw new IllegalStateException("a file and a directory share the path " + c.subList(0, k + 1));
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) sub;
                dir = m;
            }
            BDict.Builder props = BDict.builder();
            if (attributes && f.executable()) {
                props.put("attr", "x");
            }
            props.put("length", f.length());
            if (f.length() > 0) {
                props.put("pieces root", roots[i]);
            }
            dir.put(c.getLast(), BDict.builder().put(BBytes.of(new byte[0]), props.build()).build());
        }
        return toDict(tree);
    }

    private static BDict toDict(Map<String, Object> tree) {
        BDict.Builder b = BDict.builder();
        for (Map.Entry<String, Object> e : tree.entrySet()) {
            if (e.getValue() instanceof BDict d) {
                b.put(e.getKey(), d);
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) e.getValue();
                b.put(e.getKey(), toDict(m));
            }
        }
        return b.build();
    }

    private static BList strings(List<String> values) {
        List<BValue> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(BBytes.of(v));
        }
        return new BList(out);
    }

    /** Settings for a {@link TorrentCreator}; not thread-safe. */
    public static final class Builder {
        private final Path source;
        private TorrentVersion version = TorrentVersion.V1;
        private long pieceLength;
        private final List<List<String>> tiers = new ArrayList<>();
        private final List<String> webSeeds = new ArrayList<>();
        private boolean privateFlag;
        private String sourceTag;
        private String comment;
        private String createdBy = DEFAULT_CREATED_BY;
        private long creationDate = NOW;
        private boolean includeHidden = true;
        private boolean attributes;
        private int threads = Runtime.getRuntime().availableProcessors();
        private String name;
        private ProgressListener progress;

        private Builder(Path source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        /** v1 (default), v2 or hybrid. */
        public Builder version(TorrentVersion version) {
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** Bytes per piece; 0 (the default) chooses with {@link #autoPieceLength}. v2 and hybrid need a power of two ≥ 16 KiB. */
        public Builder pieceLength(long pieceLength) {
            if (pieceLength < 0) {
                throw new IllegalArgumentException("negative piece length " + pieceLength);
            }
            this.pieceLength = pieceLength;
            return this;
        }

        /** Adds one tier of tracker URLs (BEP 12); the first URL of the first tier is also {@code announce}. */
        public Builder addTier(String... urls) {
            return addTier(List.of(urls));
        }

        /** Adds one tier of tracker URLs (BEP 12). */
        public Builder addTier(List<String> urls) {
            List<String> tier = new ArrayList<>();
            for (String u : urls) {
                tier.add(checkUrl(u));
            }
            if (!tier.isEmpty()) {
                tiers.add(tier);
            }
            return this;
        }

        /** Adds a BEP 19 web seed URL. */
        public Builder addWebSeed(String url) {
            webSeeds.add(checkUrl(url));
            return this;
        }

        /** BEP 27: peers may use only the trackers (no DHT, PEX, LSD). Part of the info dictionary. */
        public Builder privateFlag(boolean privateFlag) {
            this.privateFlag = privateFlag;
            return this;
        }

        /** The info dictionary's {@code source} tag (private trackers use it to make info-hashes unique), or null. */
        public Builder source(String sourceTag) {
            this.sourceTag = sourceTag;
            return this;
        }

        public Builder comment(String comment) {
            this.comment = comment;
            return this;
        }

        /** The {@code created by} value ({@link #DEFAULT_CREATED_BY} unless set), or null for none. */
        public Builder createdBy(String createdBy) {
            this.createdBy = createdBy;
            return this;
        }

        /** The {@code creation date} in seconds since the epoch; -1 for none. Default: the time of creation. */
        public Builder creationDate(long epochSeconds) {
            if (epochSeconds < -1) {
                throw new IllegalArgumentException("creation date " + epochSeconds);
            }
            this.creationDate = epochSeconds;
            return this;
        }

        /** Whether files and directories whose names start with '.' are included (default true, like mktorrent). */
        public Builder includeHidden(boolean includeHidden) {
            this.includeHidden = includeHidden;
            return this;
        }

        /**
         * Whether to write BEP 47 attributes ({@code x} for executable files, as libtorrent does). Default false,
         * which gives mktorrent's v1 info-hash.
         */
        public Builder attributes(boolean attributes) {
            this.attributes = attributes;
            return this;
        }

        /** Hashing threads (default: one per core). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1: " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** The torrent's name (default: the file or directory name). */
        public Builder name(String name) {
            if (name != null && name.isEmpty()) {
                throw new IllegalArgumentException("empty name");
            }
            this.name = name;
            return this;
        }

        public Builder progress(ProgressListener progress) {
            this.progress = progress;
            return this;
        }

        /**
         * @throws IllegalArgumentException if a v2 or hybrid piece length is not a power of two ≥ 16 KiB, or a
         *                                  piece length is over 1 GiB
         */
        public TorrentCreator build() {
            if (pieceLength > 0 && version.hasV2()
                    && (pieceLength < Merkle.BLOCK_SIZE || Long.bitCount(pieceLength) != 1)) {
                throw new IllegalArgumentException(
                        "v2 and hybrid torrents need a piece length that is a power of two of at least 16 KiB, not "
                                + pieceLength);
            }
            if (pieceLength > 1L << 30) {
                throw new IllegalArgumentException("piece length over 1 GiB: " + pieceLength);
            }
            return new TorrentCreator(this);
        }

        private static String checkUrl(String url) {
            String u = Objects.requireNonNull(url, "url").strip();
            if (u.isEmpty()) {
                throw new IllegalArgumentException("empty URL");
            }
            for (int i = 0; i < u.length(); i++) {
                char c = u.charAt(i);
                if (c < 0x20 || c == 0x7f || c == ' ') {
                    throw new IllegalArgumentException("URL with a space or control character: " + u);
                }
            }
            return u;
        }
    }
}
