package dev.lanes.internal.websocket;

import dev.lanes.http.Request;
import dev.lanes.internal.observe.LoopActivity;
import dev.lanes.websocket.AsyncWebSocket;
import dev.lanes.websocket.AsyncWebSocketHandler;
import dev.lanes.websocket.CloseCodes;
import dev.lanes.websocket.Message;
import dev.lanes.websocket.WebSocketOptions;
import java.lang.System.Logger.Level;

/**
 * A session whose handler is called back on the connection's event loop, one callback at a time:
 * the loop is the connection's only thread, so no two callbacks of one connection overlap and
 * messages arrive in order. A callback that throws closes the session with 1011.
 */
final class AsyncSession extends Session implements AsyncWebSocket {
  private static final System.Logger LOG = System.getLogger(AsyncSession.class.getName());

  private final AsyncWebSocketHandler handler;
  private boolean failed;

  AsyncSession(Request request, WebSocketOptions options, String route, AsyncWebSocketHandler handler) {
    super(request, options, route);
    this.handler = handler;
  }

  @Override
  void opened(FrameHandler frames) {
    super.opened(frames);
    LoopActivity loop = LoopActivity.enterHandler(route());
    try {
      handler.onOpen(this);
    } catch (Exception | Error e) { // an Error too: else the connection is cut without a close frame
      fail(e);
    } finally {
      exit(loop);
    }
  }

  @Override
  public void notOpened(Throwable cause) {
    // Nothing ran yet and nothing holds a token: there is nothing to release.
    handlerDone();
  }

  @Override
  void onMessage(Message message) {
    if (failed) {
      return;
    }
    LoopActivity loop = LoopActivity.enterHandler(route());
    try {
      handler.onMessage(this, message);
    } catch (Exception | Error e) { // an Error too: else the connection is cut without a close frame
      fail(e);
    } finally {
      exit(loop);
    }
  }

  @Override
  void onEnded(int code, String reason) {
    LoopActivity loop = LoopActivity.enterHandler(route());
    try {
      handler.onClose(this, code, reason);
    } catch (Exception e) {
      LOG.log(Level.WARNING, "WebSocket onClose of " + route() + " failed", e);
    } finally {
      exit(loop);
      handlerDone();
    }
  }

  /** Ends a callback's mark: the blocked-loop watchdog names the route while a callback runs. */
  private static void exit(LoopActivity loop) {
    if (loop != null) {
      loop.exitHandler();
    }
  }

  private void fail(Throwable e) {
    failed = true;
    LOG.log(Level.ERROR, "WebSocket handler of " + route() + " failed; closing with 1011", e);
    close(CloseCodes.INTERNAL_ERROR, "internal error");
  }
}
