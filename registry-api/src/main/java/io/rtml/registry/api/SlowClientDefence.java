package io.rtml.registry.api;

import io.rtml.registry.artifact.UploadProperties;
import java.time.Duration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Gives Tomcat the read timeout of {@link ClientLimits} and installs {@link RequestBodyValve}, so
 * that no client holds a worker thread by sending slowly or by sending what nobody reads.
 */
@Component
class SlowClientDefence implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    /** Time an upload may take after its body arrived (checks, completing the S3 upload), at most. */
    static final Duration INSPECTION_MARGIN = Duration.ofHours(1);

    private final ClientLimits limits;

    /** Checks that the sweep of abandoned multipart uploads ({@code AbandonedUploads}) cannot take one still in flight. */
    SlowClientDefence(ClientLimits limits, UploadProperties upload) {
        Duration longestUpload = limits.uploadTimeLimit().plus(INSPECTION_MARGIN);
        if (upload.abandonedAfter().compareTo(longestUpload) <= 0) {
            throw new IllegalArgumentException("rtml.registry.upload.abandoned-after (" + upload.abandonedAfter()
                    + ") must be longer than rtml.api.clients.upload-time-limit (" + limits.uploadTimeLimit()
                    + ") plus " + INSPECTION_MARGIN.toMinutes() + " minutes for the checks, or uploads in flight are aborted");
        }
        this.limits = limits;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector ->
                connector.setProperty("connectionTimeout", String.valueOf(limits.readTimeout().toMillis())));
        factory.addEngineValves(new RequestBodyValve(limits.uploadTimeLimit()));
    }
}
