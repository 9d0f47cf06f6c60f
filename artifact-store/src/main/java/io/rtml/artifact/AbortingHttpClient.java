package io.rtml.artifact;

import java.io.IOException;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * The URLConnection HTTP client, except that a request that fails is aborted, which closes its
 * connection. URLConnection otherwise leaves a connection whose request body broke off open until it
 * is garbage-collected, and the S3 server keeps the partial upload until its idle timeout; the PUTs
 * that the registry's upload path abandons are such requests.
 */
final class AbortingHttpClient implements SdkHttpClient {

    private final SdkHttpClient delegate;

    AbortingHttpClient(SdkHttpClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        ExecutableHttpRequest prepared = delegate.prepareRequest(request);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() throws IOException {
                try {
                    return prepared.call();
                } catch (IOException | RuntimeException e) {
                    prepared.abort();
                    throw e;
                }
            }

            @Override
            public void abort() {
                prepared.abort();
            }
        };
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
