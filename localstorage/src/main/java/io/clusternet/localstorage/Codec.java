package io.clusternet.localstorage;

/**
 * Converts a {@link TypedFile}'s value to and from bytes. Stock codecs are in {@code
 * io.clusternet.localstorage.codec.Codecs}.
 *
 * @param <T> the value type
 */
public interface Codec<T> {
  byte[] encode(T value);

  /**
   * Decodes a file's content.
   *
   * @throws MalformedContentException if the bytes are not a valid encoding; its message must not
   *     quote the content, which may be secret
   */
  T decode(byte[] content) throws MalformedContentException;

  /** A codec could not decode a file's content. */
  final class MalformedContentException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedContentException(String message) {
      super(message);
    }

    public MalformedContentException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
