package dev.lanes.server;

/**
 * The socket I/O the event loops use: {@link #AUTO} (io_uring, else epoll, else NIO) unless chosen.
 * io_uring hands the kernel a loop iteration's reads and writes in one system call instead of one
 * call each, which on a VM, where each call is dear, cuts the server's CPU per small request by
 * 9-15% against epoll ({@code benchmarks/RESULTS.md}, "io_uring"). Lanes works around the faults
 * Netty 4.2.18's io_uring transport has and epoll has not ({@code docs/transport.md}); {@link #EPOLL}
 * is the choice for a kernel or a sandbox whose io_uring one does not trust.
 *
 * <pre>{@code ServerConfig.builder().transport(IoTransport.EPOLL).build()}</pre>
 */
public enum IoTransport {
  /** Linux io_uring, else Linux epoll, else NIO: the first available here. */
  AUTO,
  /** Linux io_uring (kernel 5.9+); the server does not start where it is unavailable. */
  IO_URING,
  /** Linux epoll; the server does not start where it is unavailable. */
  EPOLL,
  /** The JDK's NIO selector: everywhere, and the dearest. */
  NIO
}
