package io.clusternet.localstorage;

import java.util.Objects;

/**
 * A storage operation failed. Carries a {@link Reason} and the full location of the file or
 * directory concerned. Messages never contain file contents.
 */
public class StorageException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the operation failed. */
  public enum Reason {
    /** The file, or a directory on the way to it, does not exist. */
    NOT_FOUND,
    /** The file exists and the operation required that it did not. */
    ALREADY_EXISTS,
    /** The operating system denied access (EACCES, EPERM). */
    PERMISSION_DENIED,
    /** The file system is mounted read-only (EROFS). */
    READ_ONLY,
    /** The device or quota is full (ENOSPC, EDQUOT). */
    NO_SPACE,
    /** Something on the path is not of the expected type (a file where a directory should be). */
    WRONG_TYPE,
    /** The file exists but its content could not be decoded. */
    MALFORMED_CONTENT,
    /** The file's permissions grant more access than allowed. */
    INSECURE_PERMISSIONS,
    /** The file or directory is owned by a user other than root and this process's user. */
    UNTRUSTED_OWNER,
    /** Any other I/O failure. */
    IO_ERROR
  }

  private final Reason reason;
  private final String location;

  public StorageException(Reason reason, String location, String message, Throwable cause) {
    super(message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.location = Objects.requireNonNull(location, "location");
  }

  public StorageException(Reason reason, String location, String message) {
    this(reason, location, message, null);
  }

  public Reason reason() {
    return reason;
  }

  /** The full location of the file or directory concerned, as {@link Storage#location} gives it. */
  public String location() {
    return location;
  }
}
