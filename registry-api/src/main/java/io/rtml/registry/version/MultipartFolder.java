package io.rtml.registry.version;

import io.rtml.registry.artifact.UploadProperties;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.boot.servlet.autoconfigure.MultipartProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps the container's multipart temp files in {@code rtml.registry.upload.multipart-dir}, a folder
 * the registry sweeps at start, rather than in Tomcat's work folder, where a crash leaves them forever.
 */
@Configuration(proxyBeanMethods = false)
class MultipartFolder {

    @Bean
    MultipartConfigElement multipartConfigElement(MultipartProperties multipart, UploadProperties upload) {
        MultipartConfigElement spring = multipart.createMultipartConfig();
        String location = multipart.getLocation() != null ? multipart.getLocation()
                : upload.multipartDir().toAbsolutePath().toString();
        return new MultipartConfigElement(location, spring.getMaxFileSize(), spring.getMaxRequestSize(),
                spring.getFileSizeThreshold());
    }
}
