package io.rtml.registry.version;

import io.rtml.problem.ErrorCode;
import io.rtml.registry.api.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a {@code multipart/form-data} body anywhere but the upload endpoint, before it is read:
 * Tomcat would otherwise parse it to disk as soon as anything asks for a request parameter, on
 * any endpoint and for any method, a GET included.
 */
@Component
@Order(0)
class MultipartElsewhereFilter extends OncePerRequestFilter {

    private final ProblemWriter problems;

    MultipartElsewhereFilter(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        return type == null || !type.regionMatches(true, 0, MediaType.MULTIPART_FORM_DATA_VALUE, 0,
                MediaType.MULTIPART_FORM_DATA_VALUE.length()) || MultipartUploads.isUpload(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        problems.write(response, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "only the upload endpoint (POST"
                + " /api/v1/models/{name}/versions) takes multipart/form-data; send this request without it");
    }
}
