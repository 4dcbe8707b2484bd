package io.clusternet.localstorage.codec;

import io.clusternet.localstorage.Codec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Stock codecs. */
public final class Codecs {
  private Codecs() {}

  private static final Codec<byte[]> BYTES =
      new Codec<>() {
        @Override
        public byte[] encode(byte[] value) {
          return value.clone();
        }

        @Override
        public byte[] decode(byte[] content) {
          return content.clone();
        }

        @Override
        public String toString() {
          return "Codecs.bytes()";
        }
      };

  private static final Codec<String> UTF8 =
      new Codec<>() {
        @Override
        public byte[] encode(String value) {
          return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] content) throws MalformedContentException {
          try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(content))
                .toString();
          } catch (CharacterCodingException e) {
            throw new MalformedContentException("not valid UTF-8", e);
          }
        }

        @Override
        public String toString() {
          return "Codecs.utf8()";
        }
      };

  /** The bytes as they are (copied in and out). */
  public static Codec<byte[]> bytes() {
    return BYTES;
  }

  /** Strict UTF-8 text: malformed input is an error, not replacement characters. */
  public static Codec<String> utf8() {
    return UTF8;
  }
}
