package io.rtml.registry.apidocs;

import io.rtml.problem.ErrorCode;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The problem codes a handler answers with beyond those every operation can get
 * ({@link DocumentedProblems#COMMON}, and {@link DocumentedProblems#BODY} for a JSON body). The
 * OpenAPI document lists them as the operation's problem responses; the registry-api tests fail
 * when a handler answers with a code that is not listed, so the list stays true.
 */
@Documented
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ProblemCodes {

    ErrorCode[] value();
}
