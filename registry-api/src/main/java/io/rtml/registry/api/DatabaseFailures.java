package io.rtml.registry.api;

import io.rtml.problem.ErrorCode;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.ProblemDetail;
import org.springframework.transaction.CannotCreateTransactionException;

/** Recognises "the database cannot be reached", which is worth a 503 and a retry, not a 500. */
final class DatabaseFailures {

    /** Seconds a client should wait before it tries again. */
    static final String RETRY_AFTER_SECONDS = "5";

    private DatabaseFailures() {}

    static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof CannotCreateTransactionException || t instanceof DataAccessResourceFailureException
                    || t instanceof SQLException sql && (isConnectionState(sql.getSQLState()) || isClosedByPool(sql))) {
                return true;
            }
        }
        return false;
    }

    /** Class 08 (connection exception) and the server shutting down or starting (57P01, 57P02, 57P03). */
    private static boolean isConnectionState(String state) {
        return state != null && (state.startsWith("08") || state.startsWith("57P0"));
    }

    /**
     * Hikari's stand-in for a connection it marked broken (the server ended it) answers every call
     * with this SQLState-less exception. It surfaces when the rollback after the real failure hits
     * it: the transaction manager then throws the rollback's failure instead of the 57P01.
     */
    private static boolean isClosedByPool(SQLException e) {
        return e.getSQLState() == null && "Connection is closed".equals(e.getMessage());
    }

    static ProblemDetail problem() {
        return Problems.of(ErrorCode.DATABASE_UNAVAILABLE,
                "the registry's database does not answer; nothing was changed, try again after Retry-After seconds",
                java.util.List.of());
    }
}
