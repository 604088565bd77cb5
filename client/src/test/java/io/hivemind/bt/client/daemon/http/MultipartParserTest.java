package io.hivemind.bt.client.daemon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hivemind.bt.client.daemon.http.MultipartException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7578 / RFC 2046 §5.1 multipart parsing: whole, split at every offset, re-chunked 1…69; limits; bad input. */
class MultipartParserTest {
    record Part(MultipartParser.PartHeaders headers, String body) {
    }

    static List<Part> parse(byte[] body, String boundary, int chunk) {
        List<Part> parts = new ArrayList<>();
        ByteArrayOutputStream cur = new ByteArrayOutputStream();
        MultipartParser.PartHeaders[] h = new MultipartParser.PartHeaders[1];
        MultipartParser p = new MultipartParser(boundary, 1024, 10, 1024, new MultipartParser.Listener() {
            @Override
            public void partStart(MultipartParser.PartHeaders headers) {
                h[0] = headers;
                cur.reset();
            }

            @Override
            public void partData(byte[] b, int off, int len) {
                cur.write(b, off, len);
            }

            @Override
            public void partEnd() {
                parts.add(new Part(h[0], cur.toString(StandardCharsets.ISO_8859_1)));
            }
        });
        for (int off = 0; off < body.length; off += chunk) {
            p.feed(body, off, Math.min(chunk, body.length - off));
        }
        p.finish();
        return parts;
    }

    static final String BODY = "ignored preamble\r\n--AaB03x\r\n"
            + "Content-Disposition: form-data; name=\"field1\"\r\n\r\n"
            + "Joe Blow\r\nalmost --AaB03 boundary\r\n"
            + "--AaB03x\r\n"
            + "Content-Disposition: form-data; name=\"pics\"; filename=\"C:\\dir\\file1.txt\"\r\n"
            + "Content-Type: text/plain\r\n\r\n"
            + "...contents of file1.txt...\r\n--AaB03x\r\n"
            + "Content-Disposition: form-data; name=\"u\"; filename*=UTF-8''%E2%82%AC%20rates.txt\r\n\r\n"
            + "\r\n--AaB03x--\r\nepilogue";

    @Test
    void parsesTheSameWholeSplitAndRechunked() {
        byte[] b = BODY.getBytes(StandardCharsets.ISO_8859_1);
        List<Part> whole = parse(b, "AaB03x", b.length);
        assertEquals(3, whole.size());
        assertEquals("field1", whole.get(0).headers().name());
        assertNull(whole.get(0).headers().filename());
        assertEquals("Joe Blow\r\nalmost --AaB03 boundary", whole.get(0).body());
        assertEquals("C:\\dir\\file1.txt", whole.get(1).headers().filename());
        assertEquals("text/plain", whole.get(1).headers().contentType());
        assertEquals("...contents of file1.txt...", whole.get(1).body());
        assertEquals("\u20ac rates.txt", whole.get(2).headers().filename());
        assertEquals("", whole.get(2).body());
        for (int chunk = 1; chunk <= 69; chunk++) {
            assertEquals(whole, parse(b, "AaB03x", chunk), "chunk " + chunk);
        }
        for (int split = 0; split <= b.length; split++) {
            List<Part> parts = new ArrayList<>();
            final int s = split;
            assertEquals(whole, twoPieces(b, s, parts), "split " + split);
        }
    }

    private static List<Part> twoPieces(byte[] b, int split, List<Part> parts) {
        ByteArrayOutputStream cur = new ByteArrayOutputStream();
        MultipartParser.PartHeaders[] h = new MultipartParser.PartHeaders[1];
        MultipartParser p = new MultipartParser("AaB03x", new MultipartParser.Listener() {
            @Override
            public void partStart(MultipartParser.PartHeaders headers) {
                h[0] = headers;
                cur.reset();
            }

            @Override
            public void partData(byte[] d, int off, int len) {
                cur.write(d, off, len);
            }

            @Override
            public void partEnd() {
                parts.add(new Part(h[0], cur.toString(StandardCharsets.ISO_8859_1)));
            }
        });
        p.feed(b, 0, split);
        p.feed(b, split, b.length - split);
        p.finish();
        return parts;
    }

    @Test
    void rejectsMalformedAndOverLimitBodies() {
        assertEquals(Reason.TRUNCATED, assertThrows(MultipartException.class, () -> parse(
                "--b\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII), "b", 100)).reason());
        assertEquals(Reason.MALFORMED, assertThrows(MultipartException.class, () -> parse(
                "--bXY".getBytes(StandardCharsets.US_ASCII), "b", 100)).reason());
        assertEquals(Reason.MALFORMED, assertThrows(MultipartException.class, () -> parse(
                "--b\r\nno colon here\r\n\r\nx\r\n--b--".getBytes(StandardCharsets.US_ASCII), "b", 100)).reason());
        String hugeHeader = "--b\r\nX: " + "a".repeat(2000) + "\r\n\r\nx\r\n--b--";
        assertEquals(Reason.HEADERS_TOO_LARGE, assertThrows(MultipartException.class, () -> parse(
                hugeHeader.getBytes(StandardCharsets.US_ASCII), "b", 100)).reason());
        String many = "--b\r\n\r\nx\r\n".repeat(11) + "--b--";
        assertEquals(Reason.TOO_MANY_PARTS, assertThrows(MultipartException.class, () -> parse(
                many.getBytes(StandardCharsets.US_ASCII), "b", 7)).reason());
        String preamble = "p".repeat(5000) + "\r\n--b--";
        assertEquals(Reason.TOO_MUCH_FILLER, assertThrows(MultipartException.class, () -> parse(
                preamble.getBytes(StandardCharsets.US_ASCII), "b", 100)).reason());
    }

    @Test
    void boundaryComesFromTheContentType() {
        assertEquals("abc", MultipartParser.boundaryOf("multipart/form-data; boundary=abc"));
        assertEquals("a b", MultipartParser.boundaryOf("Multipart/Form-Data; charset=x; boundary=\"a b\""));
        for (String bad : new String[] {null, "application/json", "multipart/form-data", "multipart/form-data; boundary=",
                "multipart/form-data; boundary=" + "x".repeat(71), "multipart/form-data; boundary=a\u0001"}) {
            assertEquals(Reason.BAD_BOUNDARY, assertThrows(MultipartException.class,
                    () -> MultipartParser.boundaryOf(bad)).reason(), String.valueOf(bad));
        }
    }
}
