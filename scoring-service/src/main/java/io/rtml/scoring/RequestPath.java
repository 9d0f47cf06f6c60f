package io.rtml.scoring;

import io.rtml.scoring.http.ApiException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a request target into decoded path segments, once, for routing; the handlers only ever
 * see these. Only the canonical spelling of a path is accepted: a proxy in front of the node that
 * guards {@code /admin/} by prefix must see the same path the node routes on, so {@code //admin},
 * {@code /%61dmin}, {@code /v2/../admin} and an encoded slash are refused with 400, as is a
 * malformed escape. An escape stays fine where it is needed (a space, a non-ASCII character).
 */
final class RequestPath {

    private RequestPath() {}

    static List<String> segments(String uri) {
        int end = uri.indexOf('?');
        String path = end < 0 ? uri : uri.substring(0, end);
        if (!path.startsWith("/")) {
            throw ApiException.badRequest("the request target must be a path starting with '/'");
        }
        List<String> out = new ArrayList<>(6);
        int start = 1;
        while (start < path.length()) {
            int slash = path.indexOf('/', start);
            int stop = slash < 0 ? path.length() : slash;
            if (stop == start) {
                throw notCanonical(path, "an empty segment ('//')");
            }
            String segment = decode(path, start, stop);
            if (segment.equals(".") || segment.equals("..")) {
                throw notCanonical(path, "a dot segment");
            }
            out.add(segment);
            start = stop + 1;
        }
        return out;
    }

    private static String decode(String path, int from, int to) {
        int percent = path.indexOf('%', from);
        if (percent < 0 || percent >= to) {
            return path.substring(from, to); // the usual case: nothing to decode
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = path.charAt(i);
            if (c != '%') {
                bytes.write(c); // the HTTP decoder admits only ASCII here
                continue;
            }
            int hi = i + 2 < to ? Character.digit(path.charAt(i + 1), 16) : -1;
            int lo = i + 2 < to ? Character.digit(path.charAt(i + 2), 16) : -1;
            if (hi < 0 || lo < 0) {
                throw ApiException.badRequest("malformed percent escape in the path at '"
                        + path.substring(i, Math.min(i + 3, to)) + "'");
            }
            int b = hi * 16 + lo;
            if (b == '/' || unreserved(b)) {
                throw notCanonical(path, "'" + path.substring(i, i + 3) + "', an escape of '" + (char) b
                        + "' that must be written as is");
            }
            bytes.write(b);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("the path's percent escapes are not UTF-8");
        }
    }

    /** RFC 3986 unreserved characters: a normalising proxy decodes their escapes, so we refuse them. */
    private static boolean unreserved(int b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || b == '-' || b == '.' || b == '_' || b == '~';
    }

    private static ApiException notCanonical(String path, String why) {
        return ApiException.badRequest("the path is not in canonical form: it has " + why);
    }
}
