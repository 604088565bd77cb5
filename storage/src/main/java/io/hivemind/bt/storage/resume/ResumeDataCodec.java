package io.hivemind.bt.storage.resume;

import io.hivemind.bt.storage.FileStatus;
import io.hivemind.bt.storage.resume.ResumeDataException.Reason;
import io.hivemind.bt.wire.bencode.BBytes;
import io.hivemind.bt.wire.bencode.BDict;
import io.hivemind.bt.wire.bencode.BInt;
import io.hivemind.bt.wire.bencode.BList;
import io.hivemind.bt.wire.bencode.BValue;
import io.hivemind.bt.wire.bencode.BencodeDecoder;
import io.hivemind.bt.wire.bencode.BencodeException;
import io.hivemind.bt.wire.bencode.BencodeLimits;
import io.hivemind.bt.wire.bits.Bitfield;
import java.util.ArrayList;
import java.util.List;

/**
 * The bencoded resume file:
 * <pre>
 * d
 *   file-format    "hivebt resume"      file-version  1
 *   info-hash      20 or 32 bytes       piece-count   n
 *   pieces         BEP 3 bitfield of the verified pieces (ceil(n / 8) bytes, spare bits zero)
 *   files          l l size mtime-ns e ... e   (size -1: absent)
 *   part-file      l size mtime-ns e
 *   priorities     l p ... e  (0..7, one per file)
 *   uploaded, downloaded, added-time, completed-time (-1: not completed)
 *   save-path      UTF-8
 * e
 * </pre>
 * Decoding is bounded (HARDENING.md): 10 MB, depth 100, 3,000,000 tokens, at most 2,097,152 pieces and 1,000,000
 * files, a save path of at most 4096 bytes; anything else is a {@link ResumeDataException} with a {@link Reason},
 * never another exception. Unknown keys are ignored (forward compatibility). Thread-safe (stateless).
 */
public final class ResumeDataCodec {
    public static final String FORMAT = "hivebt resume";
    public static final int VERSION = 1;
    public static final int MAX_BYTES = 10 * 1024 * 1024;
    public static final int MAX_PIECES = 2_097_152;
    public static final int MAX_FILES = 1_000_000;
    public static final int MAX_PATH_BYTES = 4096;
    public static final int MAX_PRIORITY = 7;
    private static final BencodeLimits LIMITS = BencodeLimits.DEFAULT.withMaxSize(MAX_BYTES);

    private ResumeDataCodec() {
    }

    /** The canonical bencoding of {@code data}. */
    public static byte[] encode(ResumeData data) {
        List<BValue> files = new ArrayList<>(data.files().size());
        for (FileStatus f : data.files()) {
            files.add(status(f));
        }
        List<BValue> priorities = new ArrayList<>();
        for (int p : data.priorities()) {
            priorities.add(BInt.of(p));
        }
        BDict d = BDict.builder()
                .put("file-format", FORMAT)
                .put("file-version", VERSION)
                .put("info-hash", data.infoHash())
                .put("piece-count", data.pieceCount())
                .put("pieces", data.pieces().toWire())
                .put("files", new BList(files))
                .put("part-file", status(data.partFile()))
                .put("priorities", new BList(priorities))
                .put("uploaded", data.uploaded())
                .put("downloaded", data.downloaded())
                .put("save-path", data.savePath())
                .put("added-time", data.addedTime())
                .put("completed-time", data.completedTime())
                .build();
        return d.encode();
    }

    private static BValue status(FileStatus f) {
        return f.exists() ? BList.of(BInt.of(f.size()), BInt.of(f.mtimeNanos())) : BList.of(BInt.of(-1), BInt.of(-1));
    }

    /** Decodes a resume file. */
    public static ResumeData decode(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new ResumeDataException(Reason.TOO_LARGE, "resume file of " + bytes.length + " bytes");
        }
        BValue top;
        try {
            top = BencodeDecoder.decode(bytes, LIMITS);
        } catch (BencodeException e) {
            throw new ResumeDataException(Reason.BAD_BENCODE, e.offset(), "not a valid resume file: " + e.getMessage(),
                    e);
        }
        if (!(top instanceof BDict d)) {
            throw new ResumeDataException(Reason.NOT_A_DICTIONARY, "a resume file is a dictionary");
        }
        if (!FORMAT.equals(string(d, "file-format", 64))) {
            throw new ResumeDataException(Reason.WRONG_FORMAT, "not a hivebt resume file");
        }
        long version = integer(d, "file-version");
        if (version != VERSION) {
            throw new ResumeDataException(Reason.WRONG_FORMAT, "resume file version " + version + " not supported");
        }
        byte[] infoHash = bytes(d, "info-hash").bytes();
        if (infoHash.length != 20 && infoHash.length != 32) {
            throw new ResumeDataException(Reason.BAD_VALUE, "info-hash of " + infoHash.length + " bytes");
        }
        long pieceCount = integer(d, "piece-count");
        if (pieceCount < 0) {
            throw new ResumeDataException(Reason.BAD_VALUE, "negative piece count");
        }
        if (pieceCount > MAX_PIECES) {
            throw new ResumeDataException(Reason.TOO_LARGE, pieceCount + " pieces (limit " + MAX_PIECES + ")");
        }
        byte[] wire = bytes(d, "pieces").bytes();
        Bitfield pieces;
        try {
            pieces = Bitfield.fromWire(wire, (int) pieceCount);
        } catch (Bitfield.InvalidBitfieldException e) {
            throw new ResumeDataException(Reason.INCONSISTENT, -1, "pieces: " + e.getMessage(), e);
        }
        BList fileList = list(d, "files");
        if (fileList.size() > MAX_FILES) {
            throw new ResumeDataException(Reason.TOO_LARGE, fileList.size() + " files (limit " + MAX_FILES + ")");
        }
        List<FileStatus> files = new ArrayList<>(fileList.size());
        for (int i = 0; i < fileList.size(); i++) {
            files.add(status(fileList.get(i), i, "files[" + i + "]"));
        }
        BValue part = d.get("part-file");
        FileStatus partFile = part == null ? FileStatus.absent(-1) : status(part, -1, "part-file");
        BList prList = list(d, "priorities");
        if (prList.size() != files.size()) {
            throw new ResumeDataException(Reason.INCONSISTENT,
                    prList.size() + " priorities for " + files.size() + " files");
        }
        int[] priorities = new int[prList.size()];
        for (int i = 0; i < priorities.length; i++) {
            if (!(prList.get(i) instanceof BInt p)) {
                throw new ResumeDataException(Reason.WRONG_TYPE, "priorities[" + i + "] is not an integer");
            }
            if (p.value() < 0 || p.value() > MAX_PRIORITY) {
                throw new ResumeDataException(Reason.BAD_VALUE, "priority " + p.value() + " out of 0.." + MAX_PRIORITY);
            }
            priorities[i] = (int) p.value();
        }
        long uploaded = nonNegative(d, "uploaded");
        long downloaded = nonNegative(d, "downloaded");
        String savePath = string(d, "save-path", MAX_PATH_BYTES);
        if (savePath.indexOf('\0') >= 0) {
            throw new ResumeDataException(Reason.BAD_VALUE, "save path contains NUL");
        }
        long added = integer(d, "added-time");
        long completed = integer(d, "completed-time");
        if (added < -1 || completed < -1) {
            throw new ResumeDataException(Reason.BAD_VALUE, "negative time");
        }
        return new ResumeData(infoHash, pieces, files, partFile, uploaded, downloaded, priorities, savePath, added,
                completed);
    }

    private static FileStatus status(BValue v, int index, String what) {
        if (!(v instanceof BList l) || l.size() != 2 || !(l.get(0) instanceof BInt size)
                || !(l.get(1) instanceof BInt mtime)) {
            throw new ResumeDataException(Reason.WRONG_TYPE, what + " is not a list of size and mtime");
        }
        if (size.value() == -1) {
            return FileStatus.absent(index);
        }
        if (size.value() < 0) {
            throw new ResumeDataException(Reason.BAD_VALUE, what + " has a negative size");
        }
        return new FileStatus(index, true, size.value(), mtime.value());
    }

    private static BValue require(BDict d, String key) {
        BValue v = d.get(key);
        if (v == null) {
            throw new ResumeDataException(Reason.MISSING_KEY, "missing key '" + key + "'");
        }
        return v;
    }

    private static long integer(BDict d, String key) {
        if (!(require(d, key) instanceof BInt i)) {
            throw new ResumeDataException(Reason.WRONG_TYPE, "'" + key + "' is not an integer");
        }
        return i.value();
    }

    private static long nonNegative(BDict d, String key) {
        long v = integer(d, key);
        if (v < 0) {
            throw new ResumeDataException(Reason.BAD_VALUE, "'" + key + "' is negative");
        }
        return v;
    }

    private static BBytes bytes(BDict d, String key) {
        if (!(require(d, key) instanceof BBytes b)) {
            throw new ResumeDataException(Reason.WRONG_TYPE, "'" + key + "' is not a string");
        }
        return b;
    }

    private static String string(BDict d, String key, int maxBytes) {
        BBytes b = bytes(d, key);
        if (b.length() > maxBytes) {
            throw new ResumeDataException(Reason.BAD_VALUE, "'" + key + "' longer than " + maxBytes + " bytes");
        }
        return b.asString();
    }

    private static BList list(BDict d, String key) {
        if (!(require(d, key) instanceof BList l)) {
            throw new ResumeDataException(Reason.WRONG_TYPE, "'" + key + "' is not a list");
        }
        return l;
    }
}
