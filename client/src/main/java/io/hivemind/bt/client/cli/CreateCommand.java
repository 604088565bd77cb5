package io.hivemind.bt.client.cli;

import io.hivemind.bt.wire.create.TorrentCreator;
import io.hivemind.bt.wire.metainfo.Metainfo;
import io.hivemind.bt.wire.metainfo.TorrentVersion;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code hivebt create <path> -o out.torrent}: makes a v1, v2 or hybrid torrent of a file or a directory, hashing on
 * every core, with a progress bar when stderr is a terminal.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a .torrent file from a file or a directory.",
        footer = {"", "Examples:",
                "  hivebt create model/ -o model.torrent -t udp://tracker.example:6969/announce",
                "  hivebt create big.iso -o big.torrent --hybrid --piece-size 4M --private"})
final class CreateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<path>", description = "File or directory to share.")
    Path path;

    @Option(names = {"-o", "--output"}, paramLabel = "<file>",
            description = "Where to write the torrent (default: <name>.torrent in the current directory).")
    Path output;

    @Option(names = {"-t", "--tracker"}, paramLabel = "<url>[,<url>...]",
            description = "Tracker URLs; each -t is one tier (BEP 12), commas separate URLs of the same tier.")
    List<String> trackers = new ArrayList<>();

    @Option(names = {"-w", "--web-seed"}, paramLabel = "<url>", description = "Web seed URL (BEP 19); repeatable.")
    List<String> webSeeds = new ArrayList<>();

    @Option(names = {"-l", "--piece-size"}, paramLabel = "<size>", converter = Sizes.class,
            description = "Bytes per piece, e.g. 262144, 256K, 4M (default: chosen from the total size).")
    Long pieceSize;

    @Option(names = {"-p", "--private"}, description = "Private torrent (BEP 27): trackers only, no DHT/PEX/LSD.")
    boolean privateFlag;

    @Option(names = {"-c", "--comment"}, paramLabel = "<text>", description = "Comment.")
    String comment;

    @Option(names = "--created-by", paramLabel = "<text>", description = "Creator (default: ${DEFAULT-VALUE}).")
    String createdBy = TorrentCreator.DEFAULT_CREATED_BY;

    @Option(names = {"-s", "--source"}, paramLabel = "<tag>", description = "Source tag in the info dictionary.")
    String source;

    @Option(names = "--name", paramLabel = "<name>", description = "Torrent name (default: the file or directory name).")
    String name;

    @ArgGroup(exclusive = true)
    Kind kind;

    static final class Kind {
        @Option(names = "--v2", description = "v2-only torrent (BEP 52).")
        boolean v2;

        @Option(names = "--hybrid", description = "Hybrid v1+v2 torrent with BEP 47 pad files.")
        boolean hybrid;
    }

    @ArgGroup(exclusive = true)
    Date date;

    static final class Date {
        @Option(names = "--date", paramLabel = "<seconds>", description = "Creation date (seconds since the epoch).")
        Long seconds;

        @Option(names = "--no-date", description = "Leave out the creation date (reproducible output).")
        boolean none;
    }

    @Option(names = "--exclude-hidden", description = "Leave out files and directories whose names start with '.'.")
    boolean excludeHidden;

    @Option(names = "--threads", paramLabel = "<n>", description = "Hashing threads (default: one per core).")
    Integer threads;

    @Option(names = {"-f", "--force"}, description = "Overwrite the output file if it exists.")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar and no summary.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.exists(path)) {
            throw new IllegalArgumentException("no such file or directory: " + path);
        }
        TorrentVersion version = kind == null ? TorrentVersion.V1 : kind.v2 ? TorrentVersion.V2 : TorrentVersion.HYBRID;
        TorrentCreator.Builder b = TorrentCreator.builder(path).version(version).privateFlag(privateFlag)
                .comment(comment).createdBy(createdBy.isEmpty() ? null : createdBy).source(source).name(name)
                .includeHidden(!excludeHidden);
        if (pieceSize != null) {
            b.pieceLength(pieceSize);
        }
        for (String tier : trackers) {
            b.addTier(List.of(tier.split(",")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList());
        }
        webSeeds.forEach(b::addWebSeed);
        if (date != null) {
            b.creationDate(date.none ? -1 : date.seconds);
        }
        if (threads != null) {
            b.threads(threads);
        }
        Console console = System.console();
        ProgressBar bar = !quiet && console != null && console.isTerminal() ? new ProgressBar(err) : null;
        if (bar != null) {
            b.progress(bar::update);
        }
        Path target = output != null ? output : Path.of(safeFileName(name != null ? name : fileName(path)) + ".torrent");
        if (Files.exists(target) && !force) {
            throw new IllegalArgumentException(target + " exists (use --force to overwrite)");
        }
        long start = System.nanoTime();
        Metainfo torrent;
        try {
            torrent = b.build().create();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + e.getFile(), e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("permission denied: " + e.getFile(), e);
        } finally {
            if (bar != null) {
                bar.finish();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        write(target, torrent.encode());
        if (!quiet) {
            out.printf("created %s: %s, %d file%s, %s, %d pieces of %s, %.1f s%n", target, torrent.info().name(),
                    dataFiles(torrent), dataFiles(torrent) == 1 ? "" : "s", Sizes.human(torrent.info().totalLength()),
                    torrent.info().pieceCount(), Sizes.human(torrent.info().pieceLength()), seconds);
            if (torrent.infoHashes().hasV1()) {
                out.println("info-hash v1: " + torrent.infoHashes().v1Hex());
            }
            if (torrent.infoHashes().hasV2()) {
                out.println("info-hash v2: " + torrent.infoHashes().v2Hex());
            }
        }
        return 0;
    }

    private static long dataFiles(Metainfo m) {
        return m.info().files().stream().filter(f -> !f.isPad()).count();
    }

    private static String fileName(Path p) {
        Path n = p.toAbsolutePath().normalize().getFileName();
        return n == null ? "torrent" : n.toString();
    }

    private static String safeFileName(String s) {
        String safe = io.hivemind.bt.wire.metainfo.PathSanitizer.sanitizeComponent(s, 200);
        return safe.isEmpty() ? "torrent" : safe;
    }

    /** Writes through a temporary file and a rename, so a failure never leaves half a torrent. */
    private void write(Path target, byte[] bytes) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            if (force) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException e) {
                    throw new IllegalArgumentException(target + " exists (use --force to overwrite)", e);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
