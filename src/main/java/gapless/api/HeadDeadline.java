package gapless.api;

import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.stream.Attributes;
import akka.stream.BidiShape;
import akka.stream.Inlet;
import akka.stream.Outlet;
import akka.stream.javadsl.BidiFlow;
import akka.stream.stage.AbstractInHandler;
import akka.stream.stage.AbstractOutHandler;
import akka.stream.stage.GraphStage;
import akka.stream.stage.TimerGraphStageLogic;
import akka.util.ByteString;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deadline for a request's line and headers, which Akka HTTP 10.2 does not have (its idle
 * timeout restarts with every byte, so a client that trickles one header byte within each idle
 * timeout holds a connection for hours: slow loris). Like Apache's mod_reqtimeout, the clock
 * starts at the first byte of a request (the TLS handshake of a new connection counts) and stops
 * when Akka HTTP's parser hands the request on; a connection idle between requests is left to the
 * idle timeout. One per connection: {@link #requests()} sits above the HTTP layer and sees parsed
 * requests and their answers, {@link #bytes(Duration, Runnable)} sits on the raw bytes and closes
 * the connection when a head has not been parsed in time. As with nginx's client_header_timeout, an
 * HTTPS connection that finished its handshake and sends no request is cut at the deadline too (a
 * browser's connection opened ahead and left unused). A head trickled while an earlier request of
 * the same connection is still being answered starts its clock when that answer goes out.
 */
final class HeadDeadline {

  /** Requests the parser handed on, and answers that went back: bytes arriving while they are equal start a head. */
  private final AtomicLong parsed = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();

  /** Counts parsed requests and their answers, between the handler and the HTTP layer. */
  BidiFlow<HttpResponse, HttpResponse, HttpRequest, HttpRequest, akka.NotUsed> requests() {
    return BidiFlow.fromFunctions(response -> {
      answered.incrementAndGet();
      return response;
    }, request -> {
      parsed.incrementAndGet();
      return request;
    });
  }

  /**
   * On the connection's bytes (outbound above, inbound below): closes both directions when a head
   * that began arriving has not been parsed within {@code timeout}, and calls {@code onCut}.
   */
  BidiFlow<ByteString, ByteString, ByteString, ByteString, akka.NotUsed> bytes(Duration timeout, Runnable onCut) {
    return BidiFlow.fromGraph(new Watch(timeout, onCut));
  }

  private final class Watch extends GraphStage<BidiShape<ByteString, ByteString, ByteString, ByteString>> {
    private final Inlet<ByteString> outIn = Inlet.create("HeadDeadline.out.in");
    private final Outlet<ByteString> outOut = Outlet.create("HeadDeadline.out.out");
    private final Inlet<ByteString> inIn = Inlet.create("HeadDeadline.in.in");
    private final Outlet<ByteString> inOut = Outlet.create("HeadDeadline.in.out");
    private final BidiShape<ByteString, ByteString, ByteString, ByteString> shape = BidiShape.of(outIn, outOut, inIn, inOut);
    private final Duration timeout;
    private final Runnable onCut;

    Watch(Duration timeout, Runnable onCut) {
      this.timeout = timeout;
      this.onCut = onCut;
    }

    @Override
    public BidiShape<ByteString, ByteString, ByteString, ByteString> shape() {
      return shape;
    }

    @Override
    public TimerGraphStageLogic createLogic(Attributes attributes) {
      return new TimerGraphStageLogic(shape) {
        private static final String HEAD = "head";
        private boolean headUnderWay;
        /** {@link #parsed} when the head under way began: the head is done once it moves. */
        private long parsedAtStart;

        {
          // Each direction ends on its own (as in Akka's IdleTimeoutBidi): answers may still go out
          // after the client finished sending, and the other way round.
          setHandler(outIn, new AbstractInHandler() {
            @Override
            public void onPush() {
              push(outOut, grab(outIn));
            }

            @Override
            public void onUpstreamFinish() {
              complete(outOut);
            }
          });
          setHandler(outOut, new AbstractOutHandler() {
            @Override
            public void onPull() {
              pull(outIn);
            }

            @Override
            public void onDownstreamFinish(Throwable cause) {
              cancel(outIn, cause);
            }
          });
          setHandler(inIn, new AbstractInHandler() {
            @Override
            public void onPush() {
              ByteString bytes = grab(inIn);
              if (headUnderWay && parsed.get() != parsedAtStart) {
                headUnderWay = false;
                cancelTimer(HEAD);
              }
              // Bytes of a body, or of the next request pipelined behind one being answered, start no head.
              if (!headUnderWay && parsed.get() == answered.get()) {
                headUnderWay = true;
                parsedAtStart = parsed.get();
                scheduleOnce(HEAD, timeout);
              }
              push(inOut, bytes);
            }

            @Override
            public void onUpstreamFinish() {
              complete(inOut);
            }
          });
          setHandler(inOut, new AbstractOutHandler() {
            @Override
            public void onPull() {
              pull(inIn);
            }

            @Override
            public void onDownstreamFinish(Throwable cause) {
              cancel(inIn, cause);
            }
          });
        }

        /** Failed rather than completed: Akka HTTP takes an end of input inside a head for a bad request and logs it. */
        @Override
        public void onTimer(Object key) {
          if (parsed.get() == parsedAtStart) {
            onCut.run();
            failStage(new TimeoutException("request head not received within " + timeout));
          } else {
            headUnderWay = false;
          }
        }
      };
    }
  }
}
