package io.rtml.registry.api;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat refuses some requests before Spring sees them (an encoded '/' or NUL in the path, a
 * malformed request line). This valve writes those refusals as problem details too, instead of
 * Tomcat's HTML page, so clients parse one error format everywhere.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String code = Problems.codeFor(status).name();
        String body = "{\"type\":\"https://rtml.io/problems/" + code.toLowerCase().replace('_', '-') + "\",\"title\":\""
                + Problems.codeFor(status).title() + "\",\"status\":" + status
                + ",\"detail\":\"the server refused the request before reading it: the URL or request line is not"
                + " valid HTTP for this API\",\"code\":\"" + code + "\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response is already committed: nothing more to say
        }
    }
}
