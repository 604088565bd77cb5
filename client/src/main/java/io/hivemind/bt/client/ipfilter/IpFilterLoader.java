package io.hivemind.bt.client.ipfilter;

import io.hivemind.bt.client.ipfilter.IpFilterException.Reason;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads blocklists in the common P2P formats into an {@link IpFilter.Builder}. The format is recognised per
 * line, so files may mix them:
 * <ul>
 *   <li>eMule / PeerGuardian 2 {@code .dat}: {@code 001.002.003.000 - 001.002.003.255 , 000 , description}. Lines
 *       with an access level below 128 are added; levels 128 and above mean "not filtered" in eMule and are
 *       counted as ignored.</li>
 *   <li>PeerGuardian {@code .p2p}: {@code description:1.2.3.0-1.2.3.255} (the description may contain colons;
 *       the range is what follows the last one). IPv4 only, as the format is.</li>
 *   <li>Plain lines: CIDR ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), a range {@code first - last}, or one
 *       address, IPv4 or IPv6.</li>
 * </ul>
 * Blank lines and lines starting with {@code #} or {@code //} are comments. A gzip-compressed file is recognised
 * by its magic bytes and decompressed on the fly. Every rule is added with the one {@link IpFilter.Action} the
 * caller gives (a blocklist is {@code DENY}, a whitelist file {@code ALLOW}).
 *
 * <p><b>Limits.</b> Line length, line count and (decompressed) byte count are capped ({@link Limits}); a line
 * over the cap or a file over its size fails the whole load with a typed {@link IpFilterException} carrying the
 * line number. Bad lines are skipped and counted up to {@link Limits#maxBadLines()} (real lists contain some),
 * then the load fails; {@link Limits#STRICT} fails on the first one. Lines are parsed from bytes without
 * creating Strings: a million-line list loads and builds in about a second ({@code IpFilterLoaderTest}).
 *
 * <p>Stateless and thread-safe; the builder passed in is not.
 */
public final class IpFilterLoader {

    /**
     * Caps on one load.
     *
     * @param maxLineLength longest line in bytes
     * @param maxLines      most lines
     * @param maxBytes      most bytes read, after decompression
     * @param maxBadLines   bad lines skipped before the load fails (0: fail on the first)
     */
    public record Limits(int maxLineLength, long maxLines, long maxBytes, int maxBadLines) {
        /** 4 KiB lines, 20 million lines, 1 GiB, 1,000 bad lines. */
        public static final Limits DEFAULT = new Limits(4096, 20_000_000, 1L << 30, 1000);
        /** As {@link #DEFAULT} but failing on the first bad line. */
        public static final Limits STRICT = new Limits(4096, 20_000_000, 1L << 30, 0);

        public Limits {
            if (maxLineLength < 16 || maxLines < 1 || maxBytes < 1 || maxBadLines < 0) {
                throw new IllegalArgumentException("limits out of range");
            }
        }
    }

    /**
     * What a load did.
     *
     * @param lines    lines read
     * @param rules    rules added to the builder
     * @param ignored  eMule lines with an access level of 128 or more
     * @param badLines lines skipped as unreadable
     * @param errors   the first (at most 20) bad lines' errors, with line numbers
     */
    public record Result(long lines, long rules, long ignored, long badLines, List<IpFilterException> errors) {
        public Result {
            errors = List.copyOf(errors);
        }
    }

    private static final int MAX_REPORTED_ERRORS = 20;

    private IpFilterLoader() {
    }

    /** Loads {@code file} into {@code into}. */
    public static Result load(Path file, IpFilter.Builder into, IpFilter.Action action, Limits limits)
            throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, into, action, limits);
        }
    }

    /** Reads a blocklist from {@code in} (not closed) into {@code into}. */
    public static Result read(InputStream in, IpFilter.Builder into, IpFilter.Action action, Limits limits)
            throws IOException {
        Objects.requireNonNull(into, "into");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(limits, "limits");
        BufferedInputStream buffered = new BufferedInputStream(in, 2);
        buffered.mark(2);
        int m0 = buffered.read();
        int m1 = buffered.read();
        buffered.reset();
        InputStream source = buffered;
        boolean gzip = m0 == 0x1f && m1 == 0x8b;
        if (gzip) {
            try {
                source = new GZIPInputStream(buffered, 65536);
            } catch (ZipException | EOFException e) {
                throw new IpFilterException(Reason.BAD_COMPRESSION, -1, "corrupt gzip header: " + e.getMessage());
            }
        }
        Parser p = new Parser(into, action, limits);
        try {
            p.run(source);
        } catch (ZipException | EOFException e) {
            if (!gzip) {
                throw e;
            }
            throw new IpFilterException(Reason.BAD_COMPRESSION, p.lineNumber, "corrupt or truncated gzip: " + e.getMessage());
        }
        return new Result(p.lineNumber, p.rules, p.ignored, p.bad, p.errors);
    }

    /** One load's state: a line splitter over a byte buffer and the per-line format recogniser. */
    private static final class Parser {
        final IpFilter.Builder into;
        final IpFilter.Action action;
        final Limits limits;
        final long[] range = new long[5];
        final List<IpFilterException> errors = new ArrayList<>();
        long lineNumber;
        long rules;
        long ignored;
        long bad;
        long bytes;

        Parser(IpFilter.Builder into, IpFilter.Action action, Limits limits) {
            this.into = into;
            this.action = action;
            this.limits = limits;
        }

        void run(InputStream in) throws IOException {
            byte[] buf = new byte[Math.max(65536, limits.maxLineLength() + 1)];
            int start = 0;
            int end = 0;
            while (true) {
                // Move the partial line to the front and fill the rest.
                if (start > 0) {
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                }
                int n = in.read(buf, end, buf.length - end);
                if (n > 0) {
                    bytes += n;
                    if (bytes > limits.maxBytes()) {
                        throw new IpFilterException(Reason.FILE_TOO_LARGE, lineNumber + 1,
                                "more than " + limits.maxBytes() + " bytes");
                    }
                }
                int scanFrom = end;
                end += Math.max(n, 0);
                for (int k = scanFrom; k < end; k++) {
                    if (buf[k] == '\n') {
                        line(buf, start, k);
                        start = k + 1;
                    }
                }
                if (end - start > limits.maxLineLength()) {
                    throw new IpFilterException(Reason.LINE_TOO_LONG, lineNumber + 1,
                            "longer than " + limits.maxLineLength() + " bytes");
                }
                if (n < 0) {
                    if (end > start) {
                        line(buf, start, end);
                    }
                    return;
                }
            }
        }

        private void line(byte[] b, int from, int to) {
            lineNumber++;
            if (lineNumber > limits.maxLines()) {
                throw new IpFilterException(Reason.TOO_MANY_LINES, lineNumber, "more than " + limits.maxLines() + " lines");
            }
            if (to - from > limits.maxLineLength()) {
                throw new IpFilterException(Reason.LINE_TOO_LONG, lineNumber,
                        "longer than " + limits.maxLineLength() + " bytes");
            }
            if (lineNumber == 1 && to - from >= 3 && (b[from] & 0xff) == 0xef && (b[from + 1] & 0xff) == 0xbb
                    && (b[from + 2] & 0xff) == 0xbf) {
                from += 3; // UTF-8 byte order mark
            }
            int s = RangeSyntax.trimStart(b, from, to);
            int e = RangeSyntax.trimEnd(b, s, to);
            if (s == e || b[s] == '#' || b[s] == '/' && s + 1 < e && b[s + 1] == '/') {
                return;
            }
            try {
                parseLine(b, s, e);
            } catch (IpFilterException x) {
                bad++;
                IpFilterException located = x.atLine(lineNumber);
                if (errors.size() < MAX_REPORTED_ERRORS) {
                    errors.add(located);
                }
                if (bad > limits.maxBadLines()) {
                    if (limits.maxBadLines() == 0) {
                        throw located;
                    }
                    throw new IpFilterException(Reason.TOO_MANY_BAD_LINES, lineNumber,
                            "more than " + limits.maxBadLines() + " bad lines; last: " + located.getMessage());
                }
            }
        }

        private void parseLine(byte[] b, int s, int e) {
            int comma = RangeSyntax.indexOf(b, s, e, (byte) ',');
            if (comma >= 0) {
                IpFilterException datError;
                try {
                    parseDat(b, s, e, comma);
                    return;
                } catch (IpFilterException x) {
                    datError = x;
                }
                if (!tryP2p(b, s, e)) {
                    throw datError;
                }
                return;
            }
            if (tryP2p(b, s, e)) {
                return;
            }
            RangeSyntax.parse(b, s, e, range);
            add();
        }

        /** {@code start - end , level [, description]}. */
        private void parseDat(byte[] b, int s, int e, int comma) {
            RangeSyntax.parse(b, s, RangeSyntax.trimEnd(b, s, comma), range);
            int ls = RangeSyntax.trimStart(b, comma + 1, e);
            int next = RangeSyntax.indexOf(b, ls, e, (byte) ',');
            int le = RangeSyntax.trimEnd(b, ls, next < 0 ? e : next);
            int level = 0;
            if (le == ls || le - ls > 4) {
                throw new IpFilterException(Reason.BAD_LEVEL, -1, "access level is not a number of up to 4 digits");
            }
            for (int k = ls; k < le; k++) {
                if (b[k] < '0' || b[k] > '9') {
                    throw new IpFilterException(Reason.BAD_LEVEL, -1, "access level is not a number");
                }
                level = level * 10 + (b[k] - '0');
            }
            if (level > 1000) {
                throw new IpFilterException(Reason.BAD_LEVEL, -1, "access level above 1000");
            }
            if (level >= 128) {
                ignored++;
                return;
            }
            add();
        }

        /** {@code description:a.b.c.d-e.f.g.h}; false when the line is not of that form. */
        private boolean tryP2p(byte[] b, int s, int e) {
            int colon = RangeSyntax.lastIndexOf(b, s, e, (byte) ':');
            if (colon < 0) {
                return false;
            }
            int ts = RangeSyntax.trimStart(b, colon + 1, e);
            if (ts >= e || b[ts] < '0' || b[ts] > '9' || RangeSyntax.indexOf(b, ts, e, (byte) '-') < 0
                    || RangeSyntax.indexOf(b, ts, e, (byte) '.') < 0) {
                return false;
            }
            RangeSyntax.parse(b, ts, e, range);
            if (range[0] != 4) {
                return false;
            }
            add();
            return true;
        }

        private void add() {
            if (range[0] == 4) {
                into.addV4(action, (int) range[2], (int) range[4]);
            } else {
                into.addV6(action, range[1], range[2], range[3], range[4]);
            }
            rules++;
        }
    }
}
