package io.dynagate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

  @Test
  void callersDuringALoadShareItAndTheNextCallerLoadsAgain() {
    SingleFlight<String, String> flight = new SingleFlight<>();
    AtomicInteger loads = new AtomicInteger();
    AtomicReference<UniEmitter<? super String>> pending = new AtomicReference<>();
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      flight
          .load(
              "k",
              () -> {
                loads.incrementAndGet();
                return Uni.createFrom().<String>emitter(pending::set);
              })
          .subscribe()
          .with(got::add);
    }
    assertEquals(1, loads.get(), "five callers during one load: one load");
    assertEquals(1, flight.size());
    pending.get().complete("v");
    assertEquals(List.of("v", "v", "v", "v", "v"), got);
    assertEquals(0, flight.size(), "nothing is kept once the load ended");

    flight
        .load("k", () -> Uni.createFrom().item(loads.incrementAndGet() + ""))
        .await()
        .indefinitely();
    assertEquals(2, loads.get(), "a caller after the load ended loads anew");
  }

  @Test
  void aFailedLoadFailsItsCallersAndIsNotKept() {
    SingleFlight<String, String> flight = new SingleFlight<>();
    assertThrows(
        IllegalStateException.class,
        () ->
            flight
                .load("k", () -> Uni.createFrom().failure(new IllegalStateException("down")))
                .await()
                .indefinitely());
    assertEquals(0, flight.size());
    assertEquals("ok", flight.load("k", () -> Uni.createFrom().item("ok")).await().indefinitely());
  }

  @Test
  void differentKeysLoadSeparately() {
    SingleFlight<String, String> flight = new SingleFlight<>();
    AtomicInteger loads = new AtomicInteger();
    for (String key : List.of("a", "b", "a")) {
      flight
          .load(key, () -> Uni.createFrom().<String>emitter(e -> loads.incrementAndGet()))
          .subscribe()
          .with(v -> {});
    }
    assertEquals(2, loads.get());
  }

  @Test
  void aCallerThatJoinedAnotherContextsLoadContinuesOnItsOwnContext() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      SingleFlight<String, String> flight = new SingleFlight<>();
      AtomicReference<UniEmitter<? super String>> pending = new AtomicReference<>();
      io.vertx.core.Context first = vertx.getOrCreateContext();
      io.vertx.core.Context second = vertx.getOrCreateContext();
      java.util.concurrent.CountDownLatch joined = new java.util.concurrent.CountDownLatch(2);
      java.util.concurrent.CompletableFuture<io.vertx.core.Context> firstSaw =
          new java.util.concurrent.CompletableFuture<>();
      java.util.concurrent.CompletableFuture<io.vertx.core.Context> secondSaw =
          new java.util.concurrent.CompletableFuture<>();
      for (var pair :
          List.of(java.util.Map.entry(first, firstSaw), java.util.Map.entry(second, secondSaw))) {
        pair.getKey()
            .runOnContext(
                v -> {
                  flight
                      .load("k", () -> Uni.createFrom().<String>emitter(pending::set))
                      .subscribe()
                      .with(item -> pair.getValue().complete(io.vertx.core.Vertx.currentContext()));
                  joined.countDown();
                });
      }
      assertTrue(joined.await(5, java.util.concurrent.TimeUnit.SECONDS));
      first.runOnContext(v -> pending.get().complete("v")); // the load ends on the first context
      assertSame(first, firstSaw.get(5, java.util.concurrent.TimeUnit.SECONDS));
      assertSame(second, secondSaw.get(5, java.util.concurrent.TimeUnit.SECONDS));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
