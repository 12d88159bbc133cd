package net.infernet.core.api;

/** A failure that carries one of the book's error codes and a message that is safe to show to the caller. */
public class InfernetException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public InfernetException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public InfernetException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
