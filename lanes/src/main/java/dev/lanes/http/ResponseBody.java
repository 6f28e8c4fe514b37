package dev.lanes.http;

/**
 * What a response carries, as a closed set the server switches on.
 */
public sealed interface ResponseBody permits ResponseBody.Bytes {

  /** The body's length if known up front, else -1 (sent chunked). */
  long length();

  /** A body held in memory. */
  record Bytes(byte[] data) implements ResponseBody {
    static final Bytes EMPTY = new Bytes(new byte[0]);

    @Override
    public long length() {
      return data.length;
    }
  }
}
