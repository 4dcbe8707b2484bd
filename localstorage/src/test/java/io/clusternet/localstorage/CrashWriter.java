package io.clusternet.localstorage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Child-process entry point for {@link CrashSafetyTest}: {@code CrashWriter <root>} rewrites
 * {@code <root>/dir/file} forever with generation n+1, n+2, ..., printing {@code wrote <n>} after
 * each write returns. Each generation is a self-checking record, so a torn or mixed file is
 * detected.
 */
public final class CrashWriter {
  static final StoragePath FILE = StoragePath.of("dir", "file");

  private CrashWriter() {}

  /** The record for generation {@code n}: header, a payload of varying size, a checksum. */
  static byte[] record(long n) {
    int length = (int) ((n * 7919) % 300_000) + 1;
    byte[] payload = new byte[length];
    for (int i = 0; i < length; i++) {
      payload[i] = (byte) ('a' + (n + i) % 26);
    }
    String header = "gen=" + n + "\nlen=" + length + "\n";
    String trailer = "\nsha256=" + sha256(header, payload) + "\n";
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    byte[] t = trailer.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[h.length + length + t.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(payload, 0, out, h.length, length);
    System.arraycopy(t, 0, out, h.length + length, t.length);
    return out;
  }

  /** The generation a file holds, or empty if it is not exactly one complete, valid record. */
  static Optional<Long> parse(byte[] content) {
    String text = new String(content, StandardCharsets.US_ASCII);
    if (!text.startsWith("gen=")) return Optional.empty();
    int nl = text.indexOf('\n');
    if (nl < 0) return Optional.empty();
    long n;
    try {
      n = Long.parseLong(text.substring(4, nl));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return java.util.Arrays.equals(content, record(n)) ? Optional.of(n) : Optional.empty();
  }

  private static String sha256(String header, byte[] payload) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(header.getBytes(StandardCharsets.US_ASCII));
      md.update(payload);
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  public static void main(String[] args) throws Exception {
    NioStorage storage = NioStorage.at(Path.of(args[0]));
    long n = parse(storage.read(FILE).orElseThrow()).orElseThrow();
    System.out.println("started at " + n);
    while (true) {
      n++;
      storage.write(FILE, record(n), FileMode.of(0600), Storage.WriteMode.REPLACE);
      System.out.println("wrote " + n);
    }
  }
}
