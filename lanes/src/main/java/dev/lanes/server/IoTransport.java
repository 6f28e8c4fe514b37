package dev.lanes.server;

/**
 * The socket I/O the event loops use: {@link #AUTO} (epoll, else NIO) unless chosen.
 * {@link #IO_URING} hands the kernel a loop iteration's reads and writes in one system call
 * instead of one call each, which on a VM, where each call is dear, cuts the server's CPU per
 * small request by 9-15% ({@code benchmarks/RESULTS.md}, "io_uring"). It is not the default:
 * Netty 4.2.18's io_uring transport leaves some connections open that it should close (a failed
 * TLS handshake among them), see {@code docs/transport.md}.
 *
 * <pre>{@code ServerConfig.builder().transport(IoTransport.IO_URING).build()}</pre>
 */
public enum IoTransport {
  /** Linux epoll, or NIO where epoll is unavailable. */
  AUTO,
  /** Linux io_uring (kernel 5.9+); the server does not start where it is unavailable. */
  IO_URING,
  /** Linux epoll; the server does not start where it is unavailable. */
  EPOLL,
  /** The JDK's NIO selector: everywhere, and the dearest. */
  NIO
}
