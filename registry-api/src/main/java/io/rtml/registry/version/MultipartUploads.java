package io.rtml.registry.version;

import io.rtml.registry.artifact.UploadProperties;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;
import org.springframework.boot.servlet.autoconfigure.MultipartProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.multipart.MultipartResolver;
import org.springframework.web.multipart.support.StandardServletMultipartResolver;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * Where and when the container parses {@code multipart/form-data}. Parsing writes the body to disk,
 * so it happens only for the upload endpoint, and only once {@link VersionController} asks for a
 * part, after authentication and authorisation; any other request's multipart body stays unread
 * (and its connection is closed). The temp files go to {@code rtml.registry.upload.multipart-dir},
 * which the registry sweeps at start, rather than Tomcat's work folder, where a crash leaves them.
 */
@Configuration(proxyBeanMethods = false)
class MultipartUploads {

    private static final Pattern UPLOAD_PATH = Pattern.compile("^/api/v1/models/[^/]+/versions/?$");

    @Bean
    MultipartConfigElement multipartConfigElement(MultipartProperties multipart, UploadProperties upload) {
        MultipartConfigElement spring = multipart.createMultipartConfig();
        String location = multipart.getLocation() != null ? multipart.getLocation()
                : upload.multipartDir().toAbsolutePath().toString();
        return new MultipartConfigElement(location, spring.getMaxFileSize(), spring.getMaxRequestSize(),
                spring.getFileSizeThreshold());
    }

    @Bean(name = DispatcherServlet.MULTIPART_RESOLVER_BEAN_NAME)
    MultipartResolver multipartResolver() {
        UploadEndpointOnly resolver = new UploadEndpointOnly();
        resolver.setResolveLazily(true);
        return resolver;
    }

    /** Whether {@code request} is a call of the upload endpoint, the one that takes multipart bodies. */
    static boolean isUpload(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && UPLOAD_PATH.matcher(request.getRequestURI()).matches();
    }

    private static final class UploadEndpointOnly extends StandardServletMultipartResolver {
        @Override
        public boolean isMultipart(HttpServletRequest request) {
            return isUpload(request) && super.isMultipart(request);
        }
    }
}
