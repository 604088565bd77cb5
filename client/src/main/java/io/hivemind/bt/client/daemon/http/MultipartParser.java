package io.hivemind.bt.client.daemon.http;

import io.hivemind.bt.client.daemon.http.MultipartException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A streaming {@code multipart/form-data} parser (RFC 7578, RFC 2046 section 5.1) with bounded memory: bytes are
 * fed in chunks of any size and part bodies leave through the {@link Listener} as they arrive, so a 10 GiB upload
 * needs no more heap than one chunk plus the boundary. Not thread-safe; one parser per request.
 *
 * <p>Implementation note: the parser keeps a window of at most {@code WINDOW + delimiter} bytes. It pretends the
 * body starts with CRLF, so the first boundary is found by the same search as every later one
 * ({@code CRLF "--" boundary}). In a part body everything up to the last {@code delimiter - 1} bytes of the window
 * is certainly data and is handed on at once; the tail is kept in case a delimiter straddles two chunks. The search
 * is a plain first-byte scan: the delimiter is at most 74 bytes, so the worst case is linear with a small factor.
 * Part headers are capped ({@link #maxHeaderBytes}), as are the number of parts and the preamble/epilogue;
 * per-field and per-file sizes are the listener's business.
 */
public final class MultipartParser {
    private static final int WINDOW = 64 * 1024;

    /** Receives the parts of one body, in order. */
    public interface Listener {
        void partStart(PartHeaders headers);

        /** Bytes of the current part's body; valid only during the call. */
        void partData(byte[] b, int off, int len);

        void partEnd();
    }

    /**
     * A part's headers.
     *
     * @param name        the form field name ({@code name=} of Content-Disposition), or "" if absent
     * @param filename    the file name as sent (unsanitised!), or null for a plain field
     * @param contentType the part's Content-Type, or null
     */
    public record PartHeaders(String name, String filename, String contentType) {
    }

    private enum State { PREAMBLE, AFTER_BOUNDARY, HEADERS, BODY, DONE }

    private final byte[] delimiter;
    private final Listener listener;
    private final int maxHeaderBytes;
    private final int maxParts;
    private final int maxFiller;
    private final byte[] buf;
    private int len;
    private long consumed;
    private long filler;
    private int parts;
    private State state = State.PREAMBLE;

    /**
     * @param boundary        the boundary parameter of the Content-Type (see {@link #boundaryOf})
     * @param maxHeaderBytes  largest header block of one part
     * @param maxParts        most parts in the body
     * @param maxFiller       largest preamble and largest epilogue
     */
    public MultipartParser(String boundary, int maxHeaderBytes, int maxParts, int maxFiller, Listener listener) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new MultipartException(Reason.BAD_BOUNDARY, -1, "boundary must be 1 to 70 characters");
        }
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.listener = listener;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxParts = maxParts;
        this.maxFiller = maxFiller;
        this.buf = new byte[Math.max(WINDOW, maxHeaderBytes + 4) + delimiter.length];
        buf[0] = '\r';
        buf[1] = '\n';
        len = 2;
        consumed = -2;
    }

    /** Parser defaults: 8 KiB of headers per part, 1,000 parts, 64 KiB of preamble or epilogue. */
    public MultipartParser(String boundary, Listener listener) {
        this(boundary, 8 * 1024, 1000, 64 * 1024, listener);
    }

    /**
     * The boundary parameter of a {@code multipart/form-data} Content-Type, or throws {@link Reason#BAD_BOUNDARY}.
     */
    public static String boundaryOf(String contentType) {
        if (contentType == null) {
            throw new MultipartException(Reason.BAD_BOUNDARY, -1, "no Content-Type");
        }
        for (int i = 0; i < contentType.length(); i++) {
            char c = contentType.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new MultipartException(Reason.BAD_BOUNDARY, -1, "control character in the Content-Type");
            }
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase("multipart/form-data")) {
            throw new MultipartException(Reason.BAD_BOUNDARY, -1, "expected multipart/form-data");
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
                String b = p.substring(eq + 1).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) {
                    b = b.substring(1, b.length() - 1);
                }
                if (b.isEmpty() || b.length() > 70) {
                    throw new MultipartException(Reason.BAD_BOUNDARY, -1, "boundary must be 1 to 70 characters");
                }
                for (int k = 0; k < b.length(); k++) {
                    char c = b.charAt(k);
                    if (c < 0x20 || c > 0x7e) {
                        throw new MultipartException(Reason.BAD_BOUNDARY, -1, "boundary has a non-printable character");
                    }
                }
                return b;
            }
        }
        throw new MultipartException(Reason.BAD_BOUNDARY, -1, "no boundary parameter");
    }

    public void feed(byte[] b, int off, int n) {
        while (n > 0) {
            int take = Math.min(n, buf.length - len);
            System.arraycopy(b, off, buf, len, take);
            len += take;
            off += take;
            n -= take;
            process();
        }
    }

    /** Checks that the closing boundary was seen. */
    public void finish() {
        if (state != State.DONE) {
            throw new MultipartException(Reason.TRUNCATED, consumed + len, "body ended before the closing boundary");
        }
    }

    public boolean isDone() {
        return state == State.DONE;
    }

    private void process() {
        while (true) {
            switch (state) {
                case PREAMBLE -> {
                    int i = indexOf(delimiter, 0);
                    if (i >= 0) {
                        consume(i + delimiter.length);
                        state = State.AFTER_BOUNDARY;
                    } else {
                        int keep = Math.min(len, delimiter.length - 1);
                        filler += len - keep;
                        if (filler > maxFiller) {
                            throw new MultipartException(Reason.TOO_MUCH_FILLER, consumed + len, "preamble too long");
                        }
                        consume(len - keep);
                        return;
                    }
                }
                case AFTER_BOUNDARY -> {
                    if (len < 2) {
                        return;
                    }
                    if (buf[0] == '-' && buf[1] == '-') {
                        consume(2);
                        state = State.DONE;
                        filler = 0;
                    } else if (buf[0] == '\r' && buf[1] == '\n') {
                        consume(2);
                        if (++parts > maxParts) {
                            throw new MultipartException(Reason.TOO_MANY_PARTS, consumed, "more than " + maxParts + " parts");
                        }
                        state = State.HEADERS;
                    } else {
                        throw new MultipartException(Reason.MALFORMED, consumed, "expected CRLF or '--' after a boundary");
                    }
                }
                case HEADERS -> {
                    int end;
                    int skip;
                    if (len >= 2 && buf[0] == '\r' && buf[1] == '\n') {
                        end = 0;
                        skip = 2;
                    } else {
                        end = indexOf(CRLFCRLF, 0);
                        skip = 4;
                    }
                    if (end < 0) {
                        if (len > maxHeaderBytes) {
                            throw new MultipartException(Reason.HEADERS_TOO_LARGE, consumed,
                                    "part headers larger than " + maxHeaderBytes + " bytes");
                        }
                        return;
                    }
                    if (end > maxHeaderBytes) {
                        throw new MultipartException(Reason.HEADERS_TOO_LARGE, consumed,
                                "part headers larger than " + maxHeaderBytes + " bytes");
                    }
                    PartHeaders h = parseHeaders(new String(buf, 0, end, StandardCharsets.UTF_8), consumed);
                    consume(end + skip);
                    state = State.BODY;
                    listener.partStart(h);
                }
                case BODY -> {
                    int i = indexOf(delimiter, 0);
                    if (i >= 0) {
                        if (i > 0) {
                            listener.partData(buf, 0, i);
                        }
                        listener.partEnd();
                        consume(i + delimiter.length);
                        state = State.AFTER_BOUNDARY;
                    } else {
                        int safe = len - (delimiter.length - 1);
                        if (safe > 0) {
                            listener.partData(buf, 0, safe);
                            consume(safe);
                        }
                        return;
                    }
                }
                case DONE -> {
                    filler += len;
                    consume(len);
                    if (filler > maxFiller) {
                        throw new MultipartException(Reason.TOO_MUCH_FILLER, consumed, "epilogue too long");
                    }
                    return;
                }
            }
        }
    }

    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    private int indexOf(byte[] needle, int from) {
        byte first = needle[0];
        int last = len - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int k = 1; k < needle.length; k++) {
                if (buf[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void consume(int n) {
        System.arraycopy(buf, n, buf, 0, len - n);
        len -= n;
        consumed += n;
    }

    static PartHeaders parseHeaders(String block, long offset) {
        String name = "";
        String filename = null;
        String contentType = null;
        boolean disposition = false;
        if (block.isEmpty()) {
            return new PartHeaders(name, null, null);
        }
        for (String line : block.split("\r\n", -1)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new MultipartException(Reason.MALFORMED, offset, "malformed part header line");
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (key.equals("content-disposition")) {
                if (disposition) {
                    throw new MultipartException(Reason.MALFORMED, offset, "two Content-Disposition headers");
                }
                disposition = true;
                List<String[]> params = parameters(value, offset);
                String filenameStar = null;
                for (String[] p : params) {
                    switch (p[0]) {
                        case "name" -> name = p[1];
                        case "filename" -> filename = p[1];
                        case "filename*" -> filenameStar = rfc5987(p[1]);
                        default -> {
                        }
                    }
                }
                if (filenameStar != null) {
                    filename = filenameStar;
                }
            } else if (key.equals("content-type")) {
                contentType = value;
            }
        }
        return new PartHeaders(name, filename, contentType);
    }

    /** Parameters after the first ';' of a header value; names lower-cased, quoted strings unquoted. */
    private static List<String[]> parameters(String value, long offset) {
        List<String[]> out = new ArrayList<>();
        int i = value.indexOf(';');
        if (i < 0) {
            return out;
        }
        i++;
        int n = value.length();
        while (i < n) {
            while (i < n && (value.charAt(i) == ' ' || value.charAt(i) == '\t' || value.charAt(i) == ';')) {
                i++;
            }
            int eq = value.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = value.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            StringBuilder v = new StringBuilder();
            if (i < n && value.charAt(i) == '"') {
                i++;
                boolean closed = false;
                // No backslash escapes: browsers send file names with raw backslashes and percent-encode '"', CR
                // and LF instead (RFC 7578 section 4.2, the HTML form-data encoding algorithm).
                while (i < n) {
                    char c = value.charAt(i++);
                    if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        v.append(c);
                    }
                }
                if (!closed) {
                    throw new MultipartException(Reason.MALFORMED, offset, "unterminated quoted parameter");
                }
            } else {
                while (i < n && value.charAt(i) != ';') {
                    v.append(value.charAt(i++));
                }
            }
            out.add(new String[] {key, v.toString().trim()});
        }
        return out;
    }

    /** Decodes an RFC 5987 {@code charset'lang'percent-encoded} value; only UTF-8 is accepted. */
    private static String rfc5987(String v) {
        int a = v.indexOf('\'');
        int b = a < 0 ? -1 : v.indexOf('\'', a + 1);
        if (b < 0 || !v.substring(0, a).equalsIgnoreCase("utf-8")) {
            return null;
        }
        byte[] out = new byte[v.length()];
        int n = 0;
        for (int i = b + 1; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '%' && i + 2 < v.length()) {
                int hi = Character.digit(v.charAt(i + 1), 16);
                int lo = Character.digit(v.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out[n++] = (byte) c;
            } else {
                return null;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
