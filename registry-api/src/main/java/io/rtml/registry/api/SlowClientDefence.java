package io.rtml.registry.api;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Gives Tomcat the read timeout of {@link ClientLimits} and installs {@link RequestBodyValve}, so
 * that no client holds a worker thread by sending slowly or by sending what nobody reads.
 */
@Component
class SlowClientDefence implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    private final ClientLimits limits;

    SlowClientDefence(ClientLimits limits) {
        this.limits = limits;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addConnectorCustomizers(connector ->
                connector.setProperty("connectionTimeout", String.valueOf(limits.readTimeout().toMillis())));
        factory.addEngineValves(new RequestBodyValve(limits.uploadTimeLimit()));
    }
}
