package io.clusternet.api.crypto;

import java.util.Objects;

/**
 * A WireGuard key could not be parsed. The message says why and in which format, and never
 * contains the text that was being parsed (it may have been a private key).
 */
public final class KeyFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The encoding that was being parsed. */
  public enum Format {
    /** Raw bytes: 32 of them. */
    BINARY(Key.LENGTH),
    /** Standard base64 with padding, as {@code wg genkey} prints: 44 characters. */
    BASE64(Key.BASE64_LENGTH),
    /** Lower- or upper-case hex: 64 characters. */
    HEX(Key.HEX_LENGTH);

    private final int length;

    Format(int length) {
      this.length = length;
    }

    /** The exact length a key has in this format (bytes or characters). */
    public int length() {
      return length;
    }
  }

  /** What was wrong with the input. */
  public enum Type {
    /** The input does not have {@link Format#length()} bytes or characters. */
    LENGTH,
    /** The input has a character that is not part of the format (or bad base64 padding). */
    CONTENTS
  }

  private final Format format;
  private final Type type;

  public KeyFormatException(Format format, Type type, String detail) {
    super(message(format, type, detail));
    this.format = Objects.requireNonNull(format, "format");
    this.type = Objects.requireNonNull(type, "type");
  }

  private static String message(Format format, Type type, String detail) {
    String what =
        switch (type) {
          case LENGTH -> "wrong length for a " + format.name().toLowerCase(java.util.Locale.ROOT)
              + " WireGuard key (expected " + format.length()
              + (format == Format.BINARY ? " bytes" : " characters") + ")";
          case CONTENTS -> "invalid " + format.name().toLowerCase(java.util.Locale.ROOT)
              + " WireGuard key";
        };
    return detail == null || detail.isEmpty() ? what : what + ": " + detail;
  }

  public Format getFormat() {
    return format;
  }

  public Type getType() {
    return type;
  }
}
