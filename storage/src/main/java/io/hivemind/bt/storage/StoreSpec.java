package io.hivemind.bt.storage;

import io.hivemind.bt.wire.internal.Hex;
import io.hivemind.bt.wire.metainfo.InfoDictionary;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Everything needed to open one torrent's storage. Immutable (arrays are copied in and out); build with
 * {@link #builder(InfoDictionary, Path)}.
 *
 * @param info             the torrent's info dictionary (piece layout and files)
 * @param hashes           what pieces must hash to; required by {@link Storage#open}, unused by
 *                         {@link Storage#openStore}
 * @param saveDir          the directory the torrent is saved in; nothing is ever written outside it
 * @param priorities       one per file (0 = skip, anything else = wanted); default all 1
 * @param options          store settings
 * @param id               names the part file ({@code .<id>.parts}); default the hex wire info-hash
 * @param callbackExecutor where {@link TorrentStorage} completes its futures: the torrent's event loop; default the
 *                         thread that finished the work
 */
public record StoreSpec(InfoDictionary info, PieceHashes hashes, Path saveDir, int[] priorities, StoreOptions options,
                        String id, Executor callbackExecutor) {

    public StoreSpec {
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(saveDir, "saveDir");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(callbackExecutor, "callbackExecutor");
        priorities = priorities.clone();
        if (priorities.length != info.files().size()) {
            throw new IllegalArgumentException(priorities.length + " priorities for " + info.files().size() + " files");
        }
        if (!id.matches("[A-Za-z0-9_-]{1,80}")) {
            throw new IllegalArgumentException("id must be 1-80 letters, digits, '-' or '_': " + id);
        }
    }

    @Override
    public int[] priorities() {
        return priorities.clone();
    }

    public static Builder builder(InfoDictionary info, Path saveDir) {
        return new Builder(info, saveDir);
    }

    public Builder toBuilder() {
        return new Builder(info, saveDir).hashes(hashes).priorities(priorities).options(options).id(id)
                .callbackExecutor(callbackExecutor);
    }

    /** The lower-case hex of the torrent's wire id (SHA-1 of the info dictionary, or truncated SHA-256 for v2). */
    static String defaultId(InfoDictionary info) {
        try {
            byte[] raw = info.raw();
            byte[] h = info.version().hasV1() ? MessageDigest.getInstance("SHA-1").digest(raw)
                    : Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(raw), 20);
            return Hex.encode(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoreSpec s && info == s.info && Objects.equals(hashes, s.hashes)
                && saveDir.equals(s.saveDir) && Arrays.equals(priorities, s.priorities) && options.equals(s.options)
                && id.equals(s.id) && callbackExecutor == s.callbackExecutor;
    }

    @Override
    public int hashCode() {
        return Objects.hash(info, saveDir, Arrays.hashCode(priorities), options, id);
    }

    @Override
    public String toString() {
        return "StoreSpec[" + info.name() + " in " + saveDir + ", " + options.kind() + "]";
    }

    /** Builder for {@link StoreSpec}; not thread-safe. */
    public static final class Builder {
        private final InfoDictionary info;
        private final Path saveDir;
        private PieceHashes hashes;
        private int[] priorities;
        private StoreOptions options = StoreOptions.DEFAULT;
        private String id;
        private Executor callbackExecutor = Runnable::run;

        private Builder(InfoDictionary info, Path saveDir) {
            this.info = Objects.requireNonNull(info, "info");
            this.saveDir = Objects.requireNonNull(saveDir, "saveDir");
        }

        public Builder hashes(PieceHashes hashes) {
            this.hashes = hashes;
            return this;
        }

        public Builder priorities(int[] priorities) {
            this.priorities = priorities == null ? null : priorities.clone();
            return this;
        }

        public Builder options(StoreOptions options) {
            this.options = options;
            return this;
        }

        public Builder kind(StoreKind kind) {
            this.options = options.toBuilder().kind(kind).build();
            return this;
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder callbackExecutor(Executor callbackExecutor) {
            this.callbackExecutor = callbackExecutor;
            return this;
        }

        public StoreSpec build() {
            int[] pr = priorities;
            if (pr == null) {
                pr = new int[info.files().size()];
                Arrays.fill(pr, 1);
            }
            return new StoreSpec(info, hashes, saveDir, pr, options, id != null ? id : defaultId(info),
                    callbackExecutor);
        }
    }
}
