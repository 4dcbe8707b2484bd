package io.clusternet.core.mesh;

/**
 * Makes text from outside (node names, addresses, pod CIDRs, annotations: anything the API server
 * or a node source hands over) safe to put into human-readable output: status, status files,
 * logs. Such text may hold newlines that would forge lines (such as {@code health: healthy}),
 * terminal escape sequences, bidirectional overrides, or megabytes.
 *
 * <p>{@link #quote} is for one raw value; {@link #lineSafe} is the last pass over a whole line
 * that may contain values quoted before (it leaves backslashes alone, so it does not double the
 * escapes {@code quote} made). Both are idempotent on safe text of bounded length: plain
 * printable text without backslashes or quotes comes out unchanged.
 */
public final class Untrusted {
  /** The longest value {@link #quote} keeps, in chars (a Kubernetes name is at most 253). */
  public static final int MAX_VALUE = 256;
  /** The longest line {@link #lineSafe} keeps by default, in chars. */
  public static final int MAX_LINE = 1024;

  private Untrusted() {}

  /**
   * {@code value} in double quotes, with backslash, double quote and every character that is
   * not safely printable escaped ({@code \n}, {@code \r}, {@code \t}, else {@code \\uXXXX} or
   * {@code \\U00XXXXXX}), cut to at most {@link #MAX_VALUE} chars of the value plus a note of how
   * many were cut. Never throws; {@code null} becomes {@code null} unquoted.
   */
  public static String quote(String value) {
    if (value == null) return "null";
    StringBuilder b = new StringBuilder(Math.min(value.length(), MAX_VALUE) + 2).append('"');
    append(b, value, MAX_VALUE, true);
    return b.append('"').toString();
  }

  /**
   * {@code text} with every character that is not safely printable escaped (as in {@link
   * #quote}, but backslashes and quotes are kept as they are), cut to {@link #MAX_LINE} chars.
   */
  public static String lineSafe(String text) {
    return lineSafe(text, MAX_LINE);
  }

  /** {@code text} made line-safe as in {@link #lineSafe(String)}, cut to {@code max} chars. */
  public static String lineSafe(String text, int max) {
    if (text == null) return "null";
    if (text.length() <= max && isSafe(text)) return text;
    StringBuilder b = new StringBuilder(Math.min(text.length(), max));
    append(b, text, max, false);
    return b.toString();
  }

  private static boolean isSafe(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c >= 0x7f) return false; // only then look closer
    }
    return true;
  }

  private static void append(StringBuilder b, String s, int max, boolean quoting) {
    int i = 0;
    while (i < s.length()) {
      if (i >= max) {
        b.append("...(").append(s.length() - i).append(" more chars)");
        return;
      }
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '\\' -> b.append(quoting ? "\\\\" : "\\");
        case '"' -> b.append(quoting ? "\\\"" : "\"");
        default -> {
          if (printable(cp)) {
            b.appendCodePoint(cp);
          } else if (cp <= 0xffff) {
            b.append(String.format("\\u%04x", cp));
          } else {
            b.append(String.format("\\U%08x", cp));
          }
        }
      }
    }
  }

  /**
   * Whether a code point prints as itself without moving to another line or changing how the
   * text around it is shown: no controls (C0, DEL, C1), line or paragraph separators, format
   * characters (bidirectional overrides, zero-width characters), unpaired surrogates, private use
   * or unassigned code points.
   */
  private static boolean printable(int cp) {
    if (cp >= 0x20 && cp < 0x7f) return true;
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR, Character.SURROGATE, Character.PRIVATE_USE,
          Character.UNASSIGNED -> false;
      default -> true;
    };
  }
}
