package io.clusternet.api.net;

/** Text could not be parsed as an IP prefix or endpoint. The message names the input and why. */
public final class AddressFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String input;

  public AddressFormatException(String input, String problem) {
    super("invalid " + problem + ": \"" + input + "\"");
    this.input = input;
  }

  /** The text that was rejected. */
  public String input() {
    return input;
  }
}
