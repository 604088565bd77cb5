package io.hivemind.bt.client.daemon.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hivemind.bt.client.daemon.json.JsonException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 8259 conformance, the hard limits and the typed rejections of {@link JsonReader}. */
class JsonReaderTest {

    private static JsonValue parse(String s) {
        return JsonReader.parse(s.getBytes(StandardCharsets.UTF_8), JsonLimits.DEFAULT);
    }

    @Test
    void parsesEveryKindOfValue() {
        JsonObject o = (JsonObject) parse(" {\"a\": [1, -2.5e3, true, false, null, \"x\\u00e9\\n\"], \"b\": {}} ");
        JsonArray a = o.getArray("a");
        assertEquals(6, a.size());
        assertEquals(1, ((JsonNumber) a.get(0)).longValue());
        assertEquals(-2500.0, ((JsonNumber) a.get(1)).doubleValue());
        assertEquals(JsonBool.TRUE, a.get(2));
        assertEquals(JsonBool.FALSE, a.get(3));
        assertEquals(JsonNull.INSTANCE, a.get(4));
        assertEquals("x\u00e9\n", ((JsonString) a.get(5)).value());
        assertEquals(JsonObject.EMPTY, o.getObject("b"));
        assertEquals(List.of("a", "b"), List.copyOf(o.keys()));
    }

    @Test
    void decodesUtf8AndSurrogatePairEscapes() {
        assertEquals("\u00e9\u4e2d\ud83d\ude00", ((JsonString) parse("\"\u00e9\u4e2d\ud83d\ude00\"")).value());
        assertEquals("\ud83d\ude00", ((JsonString) parse("\"\\ud83d\\ude00\"")).value());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "''|UNEXPECTED_END",
            "'{'|UNEXPECTED_END",
            "'[1,'|UNEXPECTED_END",
            "'[1,]'|UNEXPECTED_CHARACTER",
            "'{\"a\":1,}'|UNEXPECTED_CHARACTER",
            "'{a:1}'|UNEXPECTED_CHARACTER",
            "'[1 2]'|UNEXPECTED_CHARACTER",
            "'tru'|UNEXPECTED_END",
            "'nul1'|UNEXPECTED_CHARACTER",
            "'1 2'|TRAILING_DATA",
            "'{} x'|TRAILING_DATA",
            "'01'|TRAILING_DATA",
            "'-'|UNEXPECTED_END",
            "'-a'|BAD_NUMBER",
            "'1.'|BAD_NUMBER",
            "'1e'|BAD_NUMBER",
            "'.5'|UNEXPECTED_CHARACTER",
            "'+1'|UNEXPECTED_CHARACTER",
            "'NaN'|UNEXPECTED_CHARACTER",
            "'\"abc'|UNEXPECTED_END",
            "'\"\\x\"'|BAD_STRING",
            "'\"\\u12G4\"'|BAD_STRING",
            "'\"\\u12\"'|BAD_STRING",
            "'\"\\ud800\"'|BAD_ENCODING",
            "'\"\\udc00\"'|BAD_ENCODING",
            "'\"\\ud800\\u0041\"'|BAD_ENCODING",
            "'{\"a\":1,\"a\":2}'|DUPLICATE_KEY",
    })
    void rejectsMalformedInputWithAReason(String input, Reason reason) {
        JsonException e = assertThrows(JsonException.class, () -> parse(input));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.offset() >= 0 && e.offset() <= input.getBytes(StandardCharsets.UTF_8).length, e.getMessage());
    }

    @Test
    void rejectsIllFormedUtf8() {
        byte[][] bad = {
                {'"', (byte) 0xc0, (byte) 0x80, '"'},                   // overlong NUL
                {'"', (byte) 0xe0, (byte) 0x80, (byte) 0xaf, '"'},      // overlong '/'
                {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'},      // UTF-8-encoded surrogate
                {'"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}, // beyond U+10FFFF
                {'"', (byte) 0xff, '"'},
                {'"', (byte) 0x80, '"'},
                {'"', (byte) 0xc3, '"'},
                {'"', 0x01, '"'},                                       // raw control character
        };
        for (byte[] b : bad) {
            JsonException e = assertThrows(JsonException.class, () -> JsonReader.parse(b, JsonLimits.DEFAULT),
                    Arrays.toString(b));
            assertTrue(e.reason() == Reason.BAD_ENCODING || e.reason() == Reason.BAD_STRING, e.getMessage());
        }
    }

    @Test
    void nestingBombEndsInTooDeepNotStackOverflow() {
        byte[] bomb = new byte[1_000_000];
        Arrays.fill(bomb, (byte) '[');
        JsonException e = assertThrows(JsonException.class, () -> JsonReader.parse(bomb, JsonLimits.DEFAULT));
        assertEquals(Reason.TOO_DEEP, e.reason());
        assertEquals(JsonLimits.DEFAULT.maxDepth(), e.offset());
    }

    @Test
    void depthLimitIsExact() {
        JsonLimits l = new JsonLimits(1000, 3, 1000, 100, 20);
        JsonReader.parse("[[[1]]]".getBytes(StandardCharsets.US_ASCII), l);
        assertEquals(Reason.TOO_DEEP, assertThrows(JsonException.class,
                () -> JsonReader.parse("[[[[1]]]]".getBytes(StandardCharsets.US_ASCII), l)).reason());
    }

    @Test
    void sizeValueStringAndNumberLimits() {
        JsonLimits l = new JsonLimits(64, 10, 5, 8, 6);
        assertEquals(Reason.TOO_LARGE, assertThrows(JsonException.class,
                () -> JsonReader.parse(new byte[65], l)).reason());
        assertEquals(Reason.TOO_MANY_VALUES, assertThrows(JsonException.class,
                () -> JsonReader.parse("[1,2,3,4,5]".getBytes(StandardCharsets.US_ASCII), l)).reason());
        JsonReader.parse("[1,2,3,4]".getBytes(StandardCharsets.US_ASCII), l);
        assertEquals(Reason.STRING_TOO_LONG, assertThrows(JsonException.class,
                () -> JsonReader.parse("\"123456789\"".getBytes(StandardCharsets.US_ASCII), l)).reason());
        JsonReader.parse("\"12345678\"".getBytes(StandardCharsets.US_ASCII), l);
        assertEquals(Reason.BAD_NUMBER, assertThrows(JsonException.class,
                () -> JsonReader.parse("1234567".getBytes(StandardCharsets.US_ASCII), l)).reason());
        JsonReader.parse("123456".getBytes(StandardCharsets.US_ASCII), l);
    }

    @Test
    void typedGettersNameTheMemberAndCheckRange() {
        JsonObject o = JsonReader.parseObject(
                "{\"s\":\"x\",\"n\":5,\"big\":99999999999999999999,\"f\":1.5,\"b\":1,\"arr\":[]}"
                        .getBytes(StandardCharsets.US_ASCII), JsonLimits.DEFAULT);
        assertEquals("x", o.getString("s", null));
        assertEquals(5, o.getInt("n", 0));
        assertEquals(7, o.getInt("absent", 7));
        assertTrue(o.getBoolean("b", false));
        JsonException e = assertThrows(JsonException.class, () -> o.getString("n", null));
        assertEquals(Reason.WRONG_TYPE, e.reason());
        assertTrue(e.getMessage().contains("'n'"), e.getMessage());
        assertEquals(Reason.BAD_NUMBER, assertThrows(JsonException.class, () -> o.getLong("big", 0)).reason());
        assertEquals(Reason.BAD_NUMBER, assertThrows(JsonException.class, () -> o.getLong("f", 0)).reason());
        assertEquals(Reason.WRONG_TYPE, assertThrows(JsonException.class, () -> o.getObject("arr")).reason());
        assertEquals(Reason.WRONG_TYPE, assertThrows(JsonException.class,
                () -> JsonReader.parseObject("[]".getBytes(StandardCharsets.US_ASCII), JsonLimits.DEFAULT)).reason());
    }

    @Test
    void numbersWithExponentThatAreIntegersConvert() {
        assertEquals(1000, ((JsonNumber) parse("1e3")).longValue());
        assertEquals(Reason.BAD_NUMBER, assertThrows(JsonException.class,
                () -> ((JsonNumber) parse("1e400")).doubleValue()).reason());
        assertFalse(parse("0") instanceof JsonString);
        assertInstanceOf(JsonNumber.class, parse("-0.0e-0"));
    }

    @Test
    void writerRoundTripsAndEscapesHtmlAndControls() {
        JsonObject o = JsonObject.builder()
                .put("name", "</script>&\"\\\u0001\u2028")
                .put("n", 42)
                .put("d", 0.25)
                .put("list", JsonArray.ofStrings(List.of("a", "\ud83d\ude00")))
                .put("nothing", (String) null)
                .build();
        String text = o.toJson();
        assertFalse(text.contains("<") || text.contains(">") || text.contains("&"), text);
        assertTrue(text.contains("\\u0001") && text.contains("\\u2028"), text);
        assertEquals(o, parse(text));
        assertEquals("\"\ufffd\"", JsonWriter.write(new JsonString("\ud800")));
        assertEquals(Map.of(), JsonObject.EMPTY.members());
    }
}
