package io.dynagate.token;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP gate in front of a token endpoint: open, it pipes connections through; closed, it accepts
 * them and holds their bytes, so a request "on its way" never reaches the IdP.
 */
final class TokenGate {
  private final Vertx vertx;
  private final int target;
  private final Set<NetSocket> held = ConcurrentHashMap.newKeySet();
  private volatile boolean open = true;
  private NetServer server;

  private TokenGate(Vertx vertx, int target) {
    this.vertx = vertx;
    this.target = target;
  }

  static TokenGate start(Vertx vertx, int targetPort) throws Exception {
    TokenGate gate = new TokenGate(vertx, targetPort);
    gate.server =
        vertx
            .createNetServer()
            .connectHandler(gate::accept)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    return gate;
  }

  int port() {
    return server.actualPort();
  }

  int held() {
    return held.size();
  }

  void open() {
    open = true;
  }

  void close() {
    open = false;
  }

  private void accept(NetSocket in) {
    if (!open) {
      held.add(in);
      in.handler(buffer -> {}); // read and drop: nothing is forwarded
      in.closeHandler(v -> held.remove(in));
      return;
    }
    in.pause();
    vertx
        .createNetClient()
        .connect(target, "127.0.0.1")
        .onSuccess(
            out -> {
              in.pipeTo(out);
              out.pipeTo(in);
              in.resume();
            })
        .onFailure(e -> in.close());
  }
}
