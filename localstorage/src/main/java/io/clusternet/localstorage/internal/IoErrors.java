package io.clusternet.localstorage.internal;

import io.clusternet.localstorage.StorageException;
import io.clusternet.localstorage.StorageException.Reason;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/** The one place where {@link IOException}s become {@link StorageException}s. */
public final class IoErrors {
  private IoErrors() {}

  /**
   * Wraps {@code e} as a typed exception: "{@code <operation> <location>: <what happened>}".
   *
   * @param operation a short, lower-case verb phrase, such as "writing"
   */
  public static StorageException wrap(String operation, String location, IOException e) {
    Reason reason = classify(e);
    return new StorageException(
        reason, location, operation + " " + location + ": " + describe(reason, e), e);
  }

  static Reason classify(IOException e) {
    if (e instanceof NoSuchFileException) return Reason.NOT_FOUND;
    if (e instanceof FileAlreadyExistsException) return Reason.ALREADY_EXISTS;
    if (e instanceof NotDirectoryException) return Reason.WRONG_TYPE;
    String text = text(e);
    // The JDK maps EACCES to AccessDeniedException; EROFS, EPERM, ENOSPC, EDQUOT and ENOTDIR
    // arrive as FileSystemException (or plain IOException from a channel write) with the C
    // library's strerror text. Jimfs says "out of disk space".
    if (text.contains("read-only file system")) return Reason.READ_ONLY;
    if (e instanceof AccessDeniedException || text.contains("operation not permitted")
        || text.contains("permission denied")) {
      return Reason.PERMISSION_DENIED;
    }
    if (text.contains("no space left") || text.contains("disk quota exceeded")
        || text.contains("out of disk space")) {
      return Reason.NO_SPACE;
    }
    if (text.contains("not a directory") || text.contains("is a directory")) {
      return Reason.WRONG_TYPE;
    }
    return Reason.IO_ERROR;
  }

  private static String text(IOException e) {
    String s = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
    if (s == null) s = e.getMessage();
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }

  private static String describe(Reason reason, IOException e) {
    String detail = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
    String what =
        switch (reason) {
          case NOT_FOUND -> "no such file or directory";
          case ALREADY_EXISTS -> "already exists";
          case PERMISSION_DENIED -> "permission denied";
          case READ_ONLY -> "read-only file system";
          case NO_SPACE -> "no space left on device";
          case WRONG_TYPE -> "wrong file type";
          default -> "I/O error";
        };
    String cause = e.getClass().getSimpleName();
    return detail == null || detail.isBlank()
        ? what + " (" + cause + ")"
        : what + " (" + cause + ": " + detail + ")";
  }
}
