package io.rtml.scoring.http;

import io.netty.handler.codec.http.HttpMethod;

/** Small helpers the feature handlers share to reject a request for the wrong path or method. */
public final class Routes {

    private Routes() {}

    public static void require(HttpMethod actual, HttpMethod expected) {
        if (!actual.equals(expected)) {
            throw new ApiException(405, "method " + actual + " is not allowed here; use " + expected);
        }
    }

    public static ApiException noRoute() {
        return ApiException.notFound("no such endpoint");
    }

    /** The version a request's {@code Rtml-Model-Version} header pins; 400 when it is not a version number. */
    public static int pinned(String header) {
        try {
            int v = Integer.parseInt(header.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the 400 below
        }
        throw ApiException.badRequest("header Rtml-Model-Version must be a version number, not '" + header + "'");
    }

    public static int version(String segment) {
        try {
            int v = Integer.parseInt(segment);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the 404 below
        }
        throw ApiException.notFound("'" + segment + "' is not a version number");
    }
}
