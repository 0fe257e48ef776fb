package org.ssisbackup.restapi;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * How the API says no: a request it cannot take is a 400 with the reason (the API's own words); a failure inside is a
 * 500 that says only that, with its details in the log, never SQL or a stack trace in the response.
 */
@RestControllerAdvice
public class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /** A body that is not the request's JSON, or one over the size bound (413). */
    @ExceptionHandler(org.springframework.http.converter.HttpMessageNotReadableException.class)
    ProblemDetail unreadable(org.springframework.http.converter.HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RequestBounds.BodyTooLargeException tooLarge) {
                return ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
            }
        }
        String why = e.getMostSpecificCause().getMessage();
        why = why == null ? "" : why.lines().findFirst().orElse("");
        if (why.length() > 200) {
            why = why.substring(0, 200) + "...";
        }
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "the body is not a valid request: " + why);
    }

    @ExceptionHandler(DataAccessException.class)
    ProblemDetail database(DataAccessException e) {
        log.error("database failure answering a request", e);
        return ProblemDetail.forStatusAndDetail(
                HttpStatus.INTERNAL_SERVER_ERROR, "internal error (see the service's log)");
    }
}
