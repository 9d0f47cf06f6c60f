package io.rtml.deployer.node;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One short, plain line for deployment.error out of whatever a node (or whatever answers at its
 * URL: a proxy's HTML page, an S3 XML error when a target points at the wrong host) sent back.
 * Every viewer reads deployment.error, so the body is never copied: only a problem's detail, or
 * an XML error's code and message, or the text without markup, without control characters, and
 * at most {@value #MAX_LENGTH} characters.
 */
final class NodeErrorSummary {

    static final int MAX_LENGTH = 200;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern XML_CODE = Pattern.compile("<Code>([^<]{1,100})</Code>");
    private static final Pattern XML_MESSAGE = Pattern.compile("<Message>([^<]{1,200})</Message>");
    private static final Pattern MARKUP = Pattern.compile("<[^>]*>");
    private static final Pattern NOT_PRINTABLE = Pattern.compile("[\\p{Cntrl}\\p{Cf}\\s]+");

    private NodeErrorSummary() {}

    static String of(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        return bounded(clean(pick(body.strip())));
    }

    private static String pick(String body) {
        if (body.startsWith("{")) {
            try {
                JsonNode json = JSON.readTree(body);
                for (String field : new String[] {"detail", "error", "message"}) {
                    if (json.path(field).isString()) {
                        return json.get(field).asString();
                    }
                }
            } catch (RuntimeException e) {
                // not JSON after all: summarised as text
            }
        }
        if (body.startsWith("<")) {
            Matcher code = XML_CODE.matcher(body);
            Matcher message = XML_MESSAGE.matcher(body);
            if (code.find()) {
                return code.group(1) + (message.find() ? ": " + message.group(1) : "");
            }
            return MARKUP.matcher(body).replaceAll(" ");
        }
        return body;
    }

    private static String clean(String text) {
        return NOT_PRINTABLE.matcher(text).replaceAll(" ").strip();
    }

    private static String bounded(String text) {
        return text.length() > MAX_LENGTH ? text.substring(0, MAX_LENGTH) + "…" : text;
    }
}
